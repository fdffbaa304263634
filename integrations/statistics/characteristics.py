"""The characteristics a statistics sensor can show, over its buffer of (time, value) samples.

Names are Home Assistant's; `max`, `min` and `sum` are accepted for `value_max`, `value_min`
and `total`.
"""

from __future__ import annotations

import itertools
import statistics as stats
from collections.abc import Callable, Sequence
from datetime import datetime

Sample = tuple[datetime, float]
Characteristic = Callable[[Sequence[Sample], float], float | None]


def _values(samples: Sequence[Sample]) -> list[float]:
    return [value for _, value in samples]


def _average_step(samples: Sequence[Sample], _: float) -> float | None:
    """The time-weighted mean, each value held until the next sample."""
    if len(samples) == 1:
        return samples[0][1]
    span = (samples[-1][0] - samples[0][0]).total_seconds()
    if span <= 0:
        return stats.fmean(_values(samples))
    area = sum(
        prev[1] * (cur[0] - prev[0]).total_seconds()
        for prev, cur in itertools.pairwise(samples)
    )
    return area / span


def _average_linear(samples: Sequence[Sample], _: float) -> float | None:
    """The time-weighted mean, values joined by straight lines."""
    if len(samples) == 1:
        return samples[0][1]
    span = (samples[-1][0] - samples[0][0]).total_seconds()
    if span <= 0:
        return stats.fmean(_values(samples))
    area = sum(
        (prev[1] + cur[1]) / 2 * (cur[0] - prev[0]).total_seconds()
        for prev, cur in itertools.pairwise(samples)
    )
    return area / span


def _percentile(samples: Sequence[Sample], percentile: float) -> float | None:
    values = sorted(_values(samples))
    if len(values) == 1:
        return values[0]
    cuts = stats.quantiles(values, n=100, method="inclusive")
    index = min(max(round(percentile) - 1, 0), len(cuts) - 1)
    return cuts[index]


def _stdev(samples: Sequence[Sample], _: float) -> float | None:
    return stats.stdev(_values(samples)) if len(samples) > 1 else None


def _variance(samples: Sequence[Sample], _: float) -> float | None:
    return stats.variance(_values(samples)) if len(samples) > 1 else None


CHARACTERISTICS: dict[str, Characteristic] = {
    "mean": lambda s, _: stats.fmean(_values(s)),
    "median": lambda s, _: stats.median(_values(s)),
    "average_step": _average_step,
    "average_linear": _average_linear,
    "value_max": lambda s, _: max(_values(s)),
    "value_min": lambda s, _: min(_values(s)),
    "total": lambda s, _: sum(_values(s)),
    "change": lambda s, _: s[-1][1] - s[0][1],
    "standard_deviation": _stdev,
    "variance": _variance,
    "percentile": _percentile,
    "count": lambda s, _: float(len(s)),
}
ALIASES = {"max": "value_max", "min": "value_min", "sum": "total"}
UNITLESS = frozenset({"count"})


def compute(name: str, samples: Sequence[Sample], percentile: float) -> float | None:
    """The characteristic `name` of `samples` (count is 0 and the others None when empty)."""
    if not samples:
        return 0.0 if name == "count" else None
    return CHARACTERISTICS[name](samples, percentile)
