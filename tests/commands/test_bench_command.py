"""`kozani-hub bench`, tiny: the report has its keys and every action was delivered.

A smoke test, not a measurement: the figures themselves are for the benchmark to report.
"""

from __future__ import annotations

import json

import pytest

from kozani_hub.bench.rules import changes, rule_yaml, trigger_value
from kozani_hub.cli import main as cli_main

KEYS = [
    "rules",
    "changes",
    "actions",
    "load_s",
    "changes_per_s",
    "actions_per_s",
    "burst_p50_ms",
    "burst_p99_ms",
    "closed_p50_ms",
    "closed_p99_ms",
    "rss_load_mib",
    "rss_end_mib",
]


def test_json_report_has_the_keys_and_every_action_arrived(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert cli_main(["bench", "--rules", "20", "--changes", "400", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert list(report) == KEYS
    assert report["rules"] == 20
    assert report["changes"] == 400
    assert report["actions"] == 200  # half the changes set a trigger value
    assert report["changes_per_s"] > 0
    assert 0 < report["closed_p50_ms"] <= report["closed_p99_ms"]
    assert report["rss_end_mib"] > 0


def test_text_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["bench", "--rules", "4", "--changes", "40"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Kozani Hub rules benchmark: 4 rules, 40 state changes")
    assert "(20 actions, all delivered)" in out


def test_the_workload_is_the_reference_one() -> None:
    even, odd = rule_yaml(2), rule_yaml(3)
    assert 'trigger: state\n      entity_id: sensor.s2\n      to: "on"' in even
    assert "trigger: numeric_state\n      entity_id: sensor.s3\n      above: 50" in odd
    for text in (even, odd):
        assert "mode: parallel\n  max: 100000" in text
        assert (
            "{{ trigger.to_state.state == 'on' or (trigger.to_state.state | float(0)) > 50 }}"
            in text
        )
        assert "action: bench.hit" in text
    # round-robin, each sensor alternating trigger and reset values: half the changes fire
    made = list(changes(12, 3))
    assert [index for index, _ in made] == [0, 1, 2] * 4
    assert [value for _, value in made[:6]] == ["on", "90", "on", "off", "10", "off"]
    assert sum(1 for i, v in made if v == trigger_value(i)) == 6


def test_recorder_comparison_reports_both_rates_and_what_was_written(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["bench", "--recorder", "--rules", "20", "--changes", "400", "--rounds", "1"]
    assert cli_main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rounds"] == 1
    assert len(report["changes_per_s_without"]) == len(report["changes_per_s_with"]) == 1
    assert report["median_with"] == report["changes_per_s_with"][0] > 0
    expected = 100 * (1 - report["median_with"] / report["median_without"])
    assert report["below_pct"] == pytest.approx(expected, abs=1e-3)
    recorder = report["recorder"]
    # Every state change of the burst and every rule run it caused, nothing dropped.
    assert recorder["rows"] == 400 + 200
    assert recorder["dropped"] == 0
    assert 0 < recorder["queue_peak"] <= recorder["queue_max"]
    assert cli_main(args) == 0
    text = capsys.readouterr().out
    assert text.startswith("Kozani Hub recorder benchmark: 20 rules, 400 state changes, 1 round each")
    assert "600 rows written in the burst" in text
