"""`kozani-hub alerts report`: alarm rates per category against EEMUA 191, from the database."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kozani_hub.alerts.report import Transition, build, flood_share, peak
from kozani_hub.bootstrap import hub_from_config
from kozani_hub.cli import main as cli_main
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import SimulatedClock, settle

T0 = datetime(2026, 1, 15, 0, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)
FLOOD_CONFIG = Path(__file__).parents[1] / "scenarios" / "configs" / "alerts_flood"


def alarm(minute: float, alert_id: str = "tank", category: str = "water") -> Transition:
    return Transition(T0 + minute * MIN, alert_id, category, "activate", "normal", "active")


def test_peak_and_flood_share_of_ten_minute_windows() -> None:
    times = [T0 + i * 20 * timedelta(seconds=1) for i in range(12)]   # 12 within 4 minutes
    assert peak(times) == 12
    assert flood_share(times, T0, T0 + 100 * MIN) == pytest.approx(0.1)
    assert peak([T0, T0 + 10 * MIN]) == 1


def test_rates_per_category_and_the_verdict() -> None:
    transitions = [alarm(m) for m in range(0, 60, 5)] + [alarm(3, "sos", "care")]
    transitions.append(Transition(T0 + 7 * MIN, "sos", "care", "acknowledge", "active",
                                  "acknowledged"))
    report = build(transitions, transitions, {}, T0, T0 + 60 * MIN)
    water = next(f for f in report.categories if f.category == "water")
    assert (water.alarms, water.per_10_min, water.per_hour) == (12, 2.0, 12.0)
    assert water.verdict == "manageable"
    assert not water.within_targets
    care = next(f for f in report.categories if f.category == "care")
    assert care.median_ack == 4 * MIN
    assert care.within_targets
    assert report.total.alarms == 13
    assert report.frequent[0] == ("tank", 12)
    assert [s[:2] for s in report.standing] == [("tank", "active"), ("sos", "acknowledged")]


def test_chattering_alerts_are_named() -> None:
    burst = [alarm(s / 60, "lamp", "lighting") for s in (0, 15, 30, 45)]
    report = build(burst, burst, {}, T0, T0 + 60 * MIN)
    assert report.chattering == (("lamp", 4),)


async def test_the_command_reads_the_hub_s_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    shutil.copytree(FLOOD_CONFIG, config)
    loaded = load_hub_config(config)
    clock = SimulatedClock(datetime.fromisoformat("2026-01-15T22:00:00+02:00"))
    hub = hub_from_config(loaded, clock, with_integrations=False, with_http=False,
                          record_notifications=True)
    hub.states.set("binary_sensor.square_01_fault", "off")
    await hub.start()
    for _ in range(4):
        hub.states.set("binary_sensor.square_01_fault", "on")
        await clock.advance(10)
        hub.states.set("binary_sensor.square_01_fault", "off")
        await clock.advance(10)
    await settle()
    await hub.stop()

    assert cli_main(["alerts", "report", "-c", str(config), "--from", "2026-01-15",
                     "--to", "2026-01-15"]) == 0
    text = capsys.readouterr().out
    assert "Alarm rates from 2026-01-15 00:00+02:00 to 2026-01-16 00:00+02:00" in text
    assert "lighting           4" in text
    assert "square_01_fault                       4" in text
    assert "Chattering" in text
    assert cli_main(["alerts", "report", "-c", str(config), "--from", "2026-01-15",
                     "--to", "2026-01-16", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    lighting = next(c for c in figures["categories"] if c["category"] == "lighting")
    assert lighting["alarms"] == 4
    assert figures["deliveries"]["delivered"] == 1


def test_the_command_says_what_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    shutil.copytree(FLOOD_CONFIG, config)
    assert cli_main(["alerts", "report", "-c", str(config)]) == 1
    assert "no recorder database at" in capsys.readouterr().err
    assert cli_main(["alerts", "report", "-c", str(config), "--from", "yesterday"]) == 1
    assert "expected a date such as 2026-01-15" in capsys.readouterr().err
