"""Unit conversions within a unit class, so a meter whose firmware switches from Wh to kWh
keeps one continuous sum."""

from __future__ import annotations

_CLASSES: tuple[dict[str, float], ...] = (
    {
        "Wh": 1.0,
        "kWh": 1e3,
        "MWh": 1e6,
        "GWh": 1e9,
        "J": 1 / 3600,
        "kJ": 1 / 3.6,
        "MJ": 1e3 / 3.6,
        "GJ": 1e6 / 3.6,
    },
    {"W": 1.0, "kW": 1e3, "MW": 1e6},
    {"L": 1.0, "m³": 1e3, "m3": 1e3, "mL": 1e-3},
    {"L/min": 1.0, "L/h": 1 / 60, "m³/h": 1e3 / 60},
    {"m": 1.0, "cm": 1e-2, "mm": 1e-3},
    {"Pa": 1.0, "hPa": 1e2, "kPa": 1e3, "bar": 1e5, "mbar": 1e2},
)


def factor(unit_from: str | None, unit_to: str | None) -> float | None:
    """The factor that turns a value in `unit_from` into `unit_to`, or None if it cannot."""
    if unit_from == unit_to:
        return 1.0
    if unit_from is None or unit_to is None:
        return None
    for table in _CLASSES:
        if unit_from in table and unit_to in table:
            return table[unit_from] / table[unit_to]
    return None
