"""The energy review for building managers: what each energy and lighting automation ran,
how long its commands held, and an estimate of the kWh it saved, per building.

`kozani-hub energy report -c config --from 2026-02-16 --to 2026-02-22` reads the recorder's
database (read-only) and the rules' `controls:` declarations (see
kozani_hub/automation/controls.py):

- a building is the `building` id its loads are declared with; its energy use is the sum of
  its meters' hourly statistics (`sensor.<building>_energy`, else every
  `sensor.<building>_..._energy`), and its name the meter's `building` attribute;
- an automation's runs come from the rule runs table (or its automation_triggered events);
  each recorded state change of a declared load is credited to the rule whose run made it
  (the state's context), or whose run caused the run that made it (the parent context);
- hours in effect and the savings estimate follow from those credited segments (METHOD).

Python API::

    from kozani_hub.energy import Database, build_report, render, to_csv
    from kozani_hub.energy.plot import plot          # imports matplotlib (Agg)
    with Database(path) as db:
        report = build_report(db, rules, start, end, tz, building=None)
    print(render(report, tz)); Path("x.csv").write_text(to_csv(report)); plot(report, png)
"""

from .model import METHOD, AutomationFigures, BuildingFigures, DayFigures, EnergyReport
from .reading import Database
from .render import render, to_csv
from .report import build_report

__all__ = [
    "METHOD",
    "AutomationFigures",
    "BuildingFigures",
    "Database",
    "DayFigures",
    "EnergyReport",
    "build_report",
    "render",
    "to_csv",
]
