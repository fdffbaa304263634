"""The energy review of a week the demo school lived under the shipped energy rules (Tuesday 17
to Clean Monday 23 February 2026), recorded by the real hub and recorder on simulated time."""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from kozani_hub.automation import load_rules
from kozani_hub.cli import main
from kozani_hub.energy import BuildingFigures, Database, EnergyReport, build_report

ATHENS = ZoneInfo("Europe/Athens")
SCHOOL = "school_1st_gymnasium"
HEATING = "energy_school_1st_gymnasium_heating_timetable"
LIGHTING = "energy_school_1st_gymnasium_lighting_timetable"
WATER_HEATER = "energy_school_1st_gymnasium_water_heater_timetable"
VENTILATION = "energy_school_1st_gymnasium_ventilation_timetable"
SETBACK = "energy_school_1st_gymnasium_setback"
PEAK = "energy_school_1st_gymnasium_peak_demand"


def review(folder: Path, first: str, last: str) -> EnergyReport:
    rules, issues = load_rules([folder / "rules"], roots=[folder])
    assert issues == []
    start = datetime.combine(date.fromisoformat(first), time(), ATHENS)
    end = datetime.combine(date.fromisoformat(last) + timedelta(days=1), time(), ATHENS)
    with Database(folder / "kozani.db") as db:
        return build_report(db, list(rules.values()), start, end, ATHENS)


def school(report: EnergyReport) -> BuildingFigures:
    assert [b.building for b in report.buildings] == [SCHOOL]
    return report.buildings[0]


def by_rule(building: BuildingFigures) -> dict[str, tuple[int, float, float, float]]:
    return {a.rule_id: (a.runs, round(a.hours_in_effect, 2), round(a.kwh_used, 2),
                        round(a.kwh_saved, 2)) for a in building.automations}


def test_the_week_shows_school_days_weekend_and_holiday(school_week: Path) -> None:
    building = school(review(school_week, "2026-02-17", "2026-02-23"))
    assert building.name == "1st Gymnasium"
    assert building.meters == ("sensor.school_1st_gymnasium_energy",)
    assert set(by_rule(building)) == {HEATING, LIGHTING, WATER_HEATER, VENTILATION, SETBACK, PEAK}
    used = {d.day.isoformat(): d.kwh_used or 0.0 for d in building.days}
    assert len(used) == 7
    for day in ("2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20"):
        assert 250 < used[day] < 400, day  # a school day in February
    assert used["2026-02-21"] < 60 and used["2026-02-22"] < 60  # the base load at the weekend
    assert used["2026-02-23"] < 150  # Clean Monday: only the caretaker's timers ran
    assert building.kwh_used == pytest.approx(sum(used.values()))
    # the peak demand limit shed loads on the cold school mornings; nothing is saved at the
    # weekend, when nothing would run
    assert by_rule(building)[PEAK][0] > 0
    saved = {d.day.isoformat(): d.kwh_saved for d in building.days}
    assert saved["2026-02-21"] == saved["2026-02-22"] == 0.0
    assert building.kwh_saved == pytest.approx(sum(saved.values()))


def test_clean_monday_figures_checked_by_hand(school_week: Path) -> None:
    # The caretaker's timers do not know Clean Monday: heating and water heater on at 06:00,
    # lighting and ventilation at 07:30. The timetables switch each off two hours later; the
    # time each stays off inside the opening hours (06:00-17:00) is saved at its rated power.
    figures = by_rule(school(review(school_week, "2026-02-23", "2026-02-23")))
    # heating: off from 08:00 (16 h to midnight), 9 h inside the opening hours x 20 kW
    assert figures[HEATING] == (1, 16.0, 0.0, 180.0)
    # lighting: off from 09:30, 7.5 h x 7.2 kW (before 07:30 the setback held it off)
    assert figures[LIGHTING] == (1, 14.5, 0.0, 54.0)
    # water heater: off since Friday's 14:00 until 06:00, then from 08:00: 9 h x 3 kW
    assert figures[WATER_HEATER] == (1, 22.0, 0.0, 27.0)
    # ventilation: off since Friday's 15:00 until 07:30, then from 09:30: 9 h x 2.2 kW
    assert figures[VENTILATION] == (1, 22.0, 0.0, 19.8)
    # the setpoint set back since Friday saves 4.3 kW while the heating runs: 06:00-08:00
    assert figures[SETBACK] == (0, 24.0, 0.0, 8.6)
    assert figures[PEAK] == (0, 0.0, 0.0, 0.0)


def test_a_school_day_setback_checked_by_hand(school_week: Path) -> None:
    figures = by_rule(school(review(school_week, "2026-02-17", "2026-02-17")))
    # at 14:50, twenty minutes after the pupils left: lights off until the lighting hours end
    # at 16:00 (70 min x 7.2 kW = 8.4 kWh) and the setpoint down while the caretaker's heating
    # runs to 15:00 (10 min x 4.3 kW = 0.72 kWh)
    assert figures[SETBACK][0] == 1
    assert figures[SETBACK][3] == pytest.approx(8.4 + 4.3 / 6, abs=0.01)
    # the caretaker's timers switched heating and lighting on first: nothing for the
    # timetables to do, nothing credited to them
    assert figures[HEATING] == (0, 0.0, 0.0, 0.0)
    assert figures[LIGHTING] == (0, 0.0, 0.0, 0.0)
    # the water heater's hours end at 14:00, the caretaker's timer at 16:00: saved 14:00-17:00
    assert figures[WATER_HEATER][3] == pytest.approx(9.0, abs=0.01)


def test_the_command_prints_the_table_and_writes_csv_and_png(
    school_week: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows_file, png = tmp_path / "week.csv", tmp_path / "week.png"
    code = main(["energy", "report", "-c", str(school_week), "--from", "2026-02-23",
                 "--to", "2026-02-23", "--building", "1st gymnasium", "--csv", str(rows_file),
                 "--plot", str(png)])
    out = capsys.readouterr().out
    assert code == 0
    assert "Energy review from 2026-02-23 00:00 to 2026-02-24 00:00 (Europe/Athens)" in out
    assert "1st Gymnasium (school_1st_gymnasium)" in out
    assert "How the figures are made." in out
    heating_line = next(line for line in out.splitlines() if "heating timetable" in line)
    assert heating_line.split()[-4:] == ["1", "16.0", "0.0", "180.0"]

    rows = list(csv.DictReader(rows_file.read_text(encoding="utf-8").splitlines()))
    assert [r["automation_id"] for r in rows][-1] == ""
    heating = next(r for r in rows if r["automation_id"] == HEATING)
    assert heating == {"building": SCHOOL, "building_name": "1st Gymnasium",
                       "automation_id": HEATING, "automation": "1st Gymnasium heating timetable",
                       "runs": "1", "hours_in_effect": "16.00", "kwh_used": "0.000",
                       "kwh_saved": "180.000"}
    total = rows[-1]
    assert total["automation"] == "(building)"
    assert float(total["kwh_saved"]) == pytest.approx(289.4, abs=0.01)
    assert 50 < float(total["kwh_used"]) < 150

    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(png) as image:
        assert image.format == "PNG"
        assert image.size == (1000, 380)
