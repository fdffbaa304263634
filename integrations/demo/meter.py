"""An energy meter that integrates power over time."""

from __future__ import annotations


class EnergyMeter:
    """kWh from a power that stays constant between readings."""

    def __init__(self, kwh: float = 0.0) -> None:
        self.kwh = kwh
        self.watts = 0.0

    def run(self, seconds: float) -> None:
        """Count `seconds` at the present power."""
        if seconds > 0:
            self.kwh += self.watts * seconds / 3_600_000

    def reading(self, decimals: int = 3) -> float:
        return round(self.kwh, decimals)
