"""The energy review as a building manager reads it: a table per building, the method under
it; and the same rows as CSV."""

from __future__ import annotations

import csv
import io
import textwrap
from datetime import datetime, tzinfo

from .model import METHOD, AutomationFigures, BuildingFigures, EnergyReport

CSV_COLUMNS = ("building", "building_name", "automation_id", "automation", "runs",
               "hours_in_effect", "kwh_used", "kwh_saved")
TOTAL = "(building)"
_NAME_WIDTH = 48


def _kwh(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f}"


def _local(when: datetime, tz: tzinfo) -> str:
    return when.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def _row(f: AutomationFigures) -> str:
    name = f.name if len(f.name) <= _NAME_WIDTH else f.name[: _NAME_WIDTH - 1] + "…"
    return (f"  {name:<{_NAME_WIDTH}} {f.runs:>6} {f.hours_in_effect:>10.1f} "
            f"{_kwh(f.kwh_used):>10} {_kwh(f.kwh_saved):>10}")


def _building(b: BuildingFigures) -> list[str]:
    share = f" ({b.saved_share:.1%} of what it would have used)" if b.saved_share else ""
    meters = ", ".join(b.meters) if b.meters else "no energy meter recorded"
    lines = [
        f"{b.name} ({b.building})",
        f"  used {_kwh(b.kwh_used)} kWh ({meters}); an estimated {_kwh(b.kwh_saved)} kWh "
        f"saved{share}",
        f"  {'automation':<{_NAME_WIDTH}} {'runs':>6} {'hours':>10} {'kWh used':>10} "
        f"{'kWh saved':>10}",
    ]
    lines += [_row(f) for f in b.automations]
    return lines


def render(report: EnergyReport, tz: tzinfo) -> str:
    """The review as text: per building, per automation, and how the figures are made."""
    lines = [f"Energy review from {_local(report.start, tz)} to {_local(report.end, tz)} "
             f"({report.time_zone})", ""]
    if not report.buildings:
        lines.append("No automation declares what it controls (controls: in its rule), so "
                     "there is nothing to review.")
    for building in report.buildings:
        lines += [*_building(building), ""]
    lines += textwrap.wrap(METHOD, width=96)
    return "\n".join(lines)


def to_csv(report: EnergyReport) -> str:
    """The same rows as the table: each automation, then the building's own line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for b in report.buildings:
        for f in b.automations:
            writer.writerow((b.building, b.name, f.rule_id, f.name, f.runs,
                             f"{f.hours_in_effect:.2f}", f"{f.kwh_used:.3f}",
                             f"{f.kwh_saved:.3f}"))
        used = "" if b.kwh_used is None else f"{b.kwh_used:.3f}"
        writer.writerow((b.building, b.name, "", TOTAL, b.runs, "", used,
                         f"{b.kwh_saved:.3f}"))
    return out.getvalue()
