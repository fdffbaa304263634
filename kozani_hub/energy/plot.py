"""`--plot`: daily kWh per building as bars, with the estimated savings stacked on top (what
the building would have used without its automations), drawn to a PNG file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only: no display, no GUI toolkit

from matplotlib.figure import Figure

from .model import EnergyReport

USED = "#3b6ea5"
SAVED = "#8fd18f"


def plot(report: EnergyReport, path: Path) -> None:
    """Draw one panel per building: kWh used per day, the estimated savings above."""
    buildings = report.buildings or ()
    rows = max(1, len(buildings))
    figure = Figure(figsize=(10, 3.2 * rows + 0.6), dpi=100, layout="constrained")
    axes = figure.subplots(rows, 1, squeeze=False)[:, 0]
    if not buildings:
        axes[0].text(0.5, 0.5, "No automation declares what it controls", ha="center",
                     va="center", transform=axes[0].transAxes)
        axes[0].set_axis_off()
    for ax, building in zip(axes, buildings, strict=False):
        labels = [d.day.strftime("%a %d %b") for d in building.days]
        used = [d.kwh_used or 0.0 for d in building.days]
        saved = [d.kwh_saved for d in building.days]
        positions = range(len(labels))
        ax.bar(positions, used, color=USED, label="used (meter)")
        ax.bar(positions, saved, bottom=used, color=SAVED, hatch="//", edgecolor="#3d8b3d",
               label="saved (estimate)")
        for x, (u, s) in enumerate(zip(used, saved, strict=True)):
            if s >= 0.05:
                ax.annotate(f"-{s:.0f}" if s >= 10 else f"-{s:.1f}", (x, u + s), ha="center", va="bottom", fontsize=8,
                            color="#2d6b2d", xytext=(0, 2), textcoords="offset points")
        ax.set_xticks(list(positions), labels, rotation=45 if len(labels) > 10 else 0,
                      fontsize=8)
        ax.set_ylabel("kWh per day")
        ax.set_ylim(0, max([u + s for u, s in zip(used, saved, strict=True)] + [1.0]) * 1.25)
        ax.set_title(f"{building.name}: {building.kwh_used or 0:,.0f} kWh used, "
                     f"about {building.kwh_saved:,.0f} kWh saved")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(loc="upper left", fontsize=8, ncols=2)
    last = report.end - timedelta(microseconds=1)
    figure.suptitle(f"Energy review {report.start:%d %b %Y} to {last:%d %b %Y}: daily kWh, "
                    "with what the automations saved on top")
    figure.savefig(path, format="png")
