"""The running sum of a meter, computed the way Home Assistant's energy dashboard does.

`total_increasing`: the reading only goes up; a drop to below 90 % of the previous reading is a
new cycle (a meter reset to zero, or a counter rolling over): what was counted up to the drop
is kept, and the new cycle is counted from zero. A smaller dip is taken as it is (and comes
back when the reading rises again). Negative readings are ignored.

`total`: the reading may go up and down (a net meter); a change of the `last_reset` attribute
starts a new cycle counted from zero. Without `last_reset`, every change is counted.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

_LOGGER = logging.getLogger("kozani_hub.recorder")

RESET_FRACTION = 0.9


@dataclass(frozen=True, slots=True)
class Reading:
    value: float
    last_reset: float | None = None


@dataclass(frozen=True, slots=True)
class SumState:
    """What a statistics row keeps: the last reading, the running sum, the cycle's start."""

    state: float
    sum: float
    last_reset: float | None = None


def is_new_cycle(value: float, previous: float | None) -> bool:
    """A total_increasing reading that dropped far enough to be a reset or a roll-over."""
    return previous is not None and value < RESET_FRACTION * previous


def accumulate(
    previous: SumState | None,
    readings: Iterable[Reading],
    *,
    total_increasing: bool,
    entity_id: str = "",
) -> SumState | None:
    """The sum after `readings`, continuing from the previous period's row (None: the first)."""
    if previous is not None:
        total = previous.sum
        old_state: float | None = previous.state
        new_state: float | None = previous.state
        old_last_reset = previous.last_reset
    else:
        total, old_state, new_state, old_last_reset = 0.0, None, None, None
    for reading in readings:
        value, last_reset = reading.value, reading.last_reset
        if total_increasing and value < 0:
            _LOGGER.warning("%s: negative meter reading %s ignored", entity_id, value)
            continue
        reset = False
        if (not total_increasing and last_reset is not None and last_reset != old_last_reset) or (
            old_state is None and last_reset is None
        ):
            reset = True
        elif total_increasing:
            reset = old_state is None or is_new_cycle(value, new_state)
        if reset:
            if old_state is not None and new_state is not None:
                total += new_state - old_state
            old_last_reset = last_reset
            # An existing meter's new cycle counts from zero; a new meter from its first reading.
            old_state = 0.0 if old_state is not None else value
        new_state = value
    if new_state is None or old_state is None:
        return previous
    return SumState(new_state, total + new_state - old_state, old_last_reset)
