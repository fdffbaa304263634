"""`kozani-hub energy report`: what a building manager is told when something is missing or
mistyped (the figures themselves: tests/energy/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.cli import main

HUB = """
hub:
  name: Town hall
  latitude: 40.3007
  longitude: 21.7887
  time_zone: Europe/Athens
  rules: [rules]
"""

RULE = """
- id: town_hall_heating
  controls: [ { entity_id: switch.town_hall_heating, rated_watts: 12000, building: town_hall } ]
  triggers: { trigger: time, at: "07:00:00" }
  actions: { action: switch.turn_on, target: { entity_id: switch.town_hall_heating } }
"""


@pytest.fixture
def config(tmp_path: Path) -> Path:
    (tmp_path / "rules").mkdir()
    (tmp_path / "hub.yaml").write_text(HUB, encoding="utf-8")
    (tmp_path / "rules" / "town_hall.yaml").write_text(RULE, encoding="utf-8")
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["energy", "report", *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_without_a_database_it_says_where_it_looked(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, text = run(capsys, "-c", str(config), "--from", "2026-02-16", "--to", "2026-02-22")
    assert code == 1
    assert "no recorder database at" in text and "kozani.db" in text


def test_dates_are_checked(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, text = run(capsys, "-c", str(config), "--from", "16/02/2026", "--to", "2026-02-22")
    assert code == 1
    assert "expected a date such as 2026-01-15" in text and "'16/02/2026'" in text
    code, text = run(capsys, "-c", str(config), "--from", "2026-02-22", "--to", "2026-02-16")
    assert code == 1
    assert "--from (2026-02-22T00:00:00+02:00) must be before --to" in text


def test_an_unknown_building_names_the_known_ones(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config / "kozani.db").touch()  # an empty database: no tables yet
    code, text = run(capsys, "-c", str(config), "--from", "2026-02-16", "--to", "2026-02-22",
                     "--building", "school")
    assert code == 1
    assert "no building 'school'; the buildings are town_hall" in text


def test_an_empty_database_gives_an_empty_review(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (config / "kozani.db").touch()
    code, text = run(capsys, "-c", str(config), "--from", "2026-02-16", "--to", "2026-02-22")
    assert code == 0
    assert "town_hall (town_hall)" in text
    assert "used - kWh (no energy meter recorded)" in text
