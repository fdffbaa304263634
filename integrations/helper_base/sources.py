"""Reading the entities helpers are computed from."""

from __future__ import annotations

import math

from kozani_hub.core.states import State


def numeric(state: State | None) -> float | None:
    """The state as a finite number, or None (unknown, unavailable, text, nan)."""
    if state is None:
        return None
    try:
        value = float(state.state)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def unit_of(state: State | None) -> str | None:
    unit = state.attributes.get("unit_of_measurement") if state is not None else None
    return unit if isinstance(unit, str) else None
