"""`kozani-hub check`: every problem at once as FILE:LINE: message; exit 0 valid, 1 invalid."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from kozani_hub.cli import main

REPO = Path(__file__).resolve().parents[2]

BOMB = """\
a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""

BROKEN_HUB = """\
hub:
  name: Broken district
  latitude: forty
  longitude: 21.79
  colour: red
http:
  tokens: [!secret api_token]
  port: !include ../../etc/passwd
demo:
  streets: many
modbsu: []
"""


def test_the_shipped_configuration_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-c", str(REPO / "config")]) == 0
    assert "valid" in capsys.readouterr().err


def test_every_problem_is_named_with_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "hub.yaml").write_text(BROKEN_HUB)
    assert main(["check", "-c", str(tmp_path)]) == 1
    out = capsys.readouterr().out.splitlines()
    by_line = {line.split(":")[1]: line for line in out}
    assert "expected a number for 'latitude', found 'forty'" in by_line["3"]
    assert "unknown key 'colour'" in by_line["5"]
    assert "secret 'api_token' cannot be found" in by_line["7"]
    assert "outside the configuration folders" in by_line["8"]
    assert "expected a whole number for 'streets', found 'many'" in by_line["10"]
    assert "unknown integration 'modbsu'; did you mean 'modbus'?" in by_line["11"]
    assert all(line.startswith(str(tmp_path)) for line in out)


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "hub.yaml").write_text("hub:\n  name: x\n  latitude: 40.3\n  longitude: east\n")
    assert main(["check", "-c", str(tmp_path), "--json"]) == 1
    problems = json.loads(capsys.readouterr().out)
    assert problems == [
        {
            "file": str(tmp_path / "hub.yaml"),
            "line": 4,
            "message": "expected a number for 'longitude', found 'east'",
        }
    ]


def test_rule_problems_are_reported_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "config" / "hub.yaml").write_text(
        "hub:\n  name: x\n  latitude: 40.3\n  longitude: 21.8\n"
    )
    (tmp_path / "rules" / "street.yaml").write_text(
        "- id: night_dim\n  triggers:\n    - trigger: tiem\n      at: '00:00'\n  actions: []\n"
    )
    assert main(["check", "-c", str(tmp_path / "config")]) == 1
    out = capsys.readouterr().out
    assert "street.yaml:3:" in out and "tiem" in out


def test_a_missing_folder_is_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "-c", str(tmp_path / "nowhere")]) == 1
    assert "no configuration folder" in capsys.readouterr().out


def test_an_alias_bomb_is_refused_quickly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "hub.yaml").write_text(
        "hub:\n  name: x\n  latitude: 40.3\n  longitude: 21.8\ndemo: !include bomb.yaml\n"
    )
    (tmp_path / "bomb.yaml").write_text(BOMB)
    began = time.perf_counter()
    assert main(["check", "-c", str(tmp_path)]) == 1
    assert time.perf_counter() - began < 10  # refused, not expanded to 387 million values
    out = capsys.readouterr().out
    assert "bomb.yaml:" in out and "refusing to load it" in out


def test_alert_files_in_rule_folders_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "config" / "hub.yaml").write_text(
        "hub:\n  name: x\n  latitude: 40.3\n  longitude: 21.8\n"
    )
    (tmp_path / "rules" / "tanks.alerts.yaml").write_text(
        "- id: tank_low\n  name: Tank low\n  severity: high\n  category: water\n  policy: nowhere\n"
    )
    assert main(["check", "-c", str(tmp_path / "config")]) == 1
    out = capsys.readouterr().out
    assert "tanks.alerts.yaml:" in out and "nowhere" in out
