"""Street lamp physics: the power an LED lamp draws when dimmed, and how a transition steps.

An LED driver does not scale its losses with the light it gives: a lamp dimmed to 1 % still
draws about a tenth of its rated power. So power is `rated * (FLOOR + (1 - FLOOR) * level)`,
where `level` is brightness / 255, and nothing when the lamp is off.

A transition is stepped on the hub's clock: at most `MAX_STEPS` steps, at least `MIN_STEP`
seconds apart, the last one landing exactly on the target at the end of the transition.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DRIVER_FLOOR = 0.1
MAX_STEPS = 10
MIN_STEP = 1.0
FULL = 255


@dataclass(frozen=True, slots=True)
class LampSpec:
    """One street lamp: where it stands and what it draws at full light."""

    entity_id: str
    name: str
    street: str
    number: int
    rated_watts: float


def lamp_power(rated_watts: float, is_on: bool, brightness: int) -> float:
    """Watts a lamp draws, to 0.1 W."""
    if not is_on or brightness <= 0:
        return 0.0
    level = min(brightness, FULL) / FULL
    return round(rated_watts * (DRIVER_FLOOR + (1.0 - DRIVER_FLOOR) * level), 1)


def transition_steps(start: int, target: int, duration: float) -> list[tuple[float, int]]:
    """(seconds from now, brightness) for each step of a transition; the last is the target."""
    if duration <= 0 or start == target:
        return [(0.0, target)]
    steps = max(1, min(MAX_STEPS, math.floor(duration / MIN_STEP)))
    out: list[tuple[float, int]] = []
    for i in range(1, steps + 1):
        fraction = i / steps
        out.append((duration * fraction, round(start + (target - start) * fraction)))
    return out
