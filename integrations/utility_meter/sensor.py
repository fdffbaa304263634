"""A utility meter's sensor: what its source counted since the cycle began (for one tariff)."""

from __future__ import annotations

import contextlib
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from integrations.helper_base.sources import unit_of
from kozani_hub.core.context import Context
from kozani_hub.core.states import State
from kozani_hub.entities import Entity

from .schema import UtilityMeterConfig


def as_decimal(value: Any) -> Decimal | None:
    """A reading as an exact decimal (None for unknown, unavailable, text, nan)."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def show(value: Decimal) -> str:
    """A decimal as a state: no exponent, no trailing zeros beyond the reading's."""
    text = format(value, "f")
    return text if text != "-0" else "0"


class MeterSensor(Entity):
    """`sensor.<meter>` (or `sensor.<meter>_<tariff>`): the count since the last reset."""

    domain = "sensor"

    def __init__(self, entity_id: str, name: str | None, config: UtilityMeterConfig,
                 tariff: str | None, cycle_label: str | None) -> None:
        super().__init__(entity_id, name=name, attributes={"source": config.source})
        self.config = config
        self.tariff = tariff
        self.cycle_label = cycle_label
        self.value = Decimal(0)
        self.last_valid: Decimal | None = None
        self.last_period = Decimal(0)
        self.last_reset: datetime | None = None
        self.collecting = tariff is None
        self.next_reset: datetime | None = None

    @property
    def state_value(self) -> object:
        return show(self.value)

    def state_attributes(self) -> dict[str, Any]:
        source = self.hub.states.get(self.config.source)
        attrs: dict[str, Any] = {
            "status": "collecting" if self.collecting else "paused",
            "last_period": show(self.last_period),
            "last_valid_state": None if self.last_valid is None else show(self.last_valid),
            "last_reset": self.last_reset.isoformat() if self.last_reset else None,
            "state_class": "total" if self.config.net_consumption else "total_increasing",
        }
        if self.cycle_label:
            attrs["meter_period"] = self.cycle_label
        if self.config.cron:
            attrs["cron pattern"] = self.config.cron
        if self.next_reset is not None:
            attrs["next_reset"] = self.next_reset.isoformat()
        if self.tariff is not None:
            attrs["tariff"] = self.tariff
        unit = unit_of(source)
        if unit:
            attrs["unit_of_measurement"] = unit
        if source is not None and isinstance(source.attributes.get("device_class"), str):
            attrs["device_class"] = source.attributes["device_class"]
        return attrs

    def read(self, reading: Decimal, context: Context | None = None) -> None:
        """Count a new reading of the source."""
        adjustment = self._adjustment(reading)
        if not self.config.delta_values:
            self.last_valid = reading
        if adjustment is not None and self.collecting:
            self.value += adjustment
        self.write_state(context)

    def _adjustment(self, reading: Decimal) -> Decimal | None:
        if self.config.delta_values:
            return reading
        previous = self.last_valid
        if previous is None:
            return None  # the first reading is where counting starts
        if reading < previous and self.config.periodically_resetting:
            return reading  # the source was reset (a new meter, a device restart): count from 0
        adjustment = reading - previous
        if adjustment < 0 and not self.config.net_consumption:
            return None  # a meter that went back: not consumption
        return adjustment

    def reset(self, when: datetime, context: Context | None = None) -> None:
        self.last_period, self.value = self.value, Decimal(0)
        self.last_reset = when
        self.write_state(context)

    def take_saved(self, state: State) -> None:
        """Take back the count and cycle facts the recorder kept."""
        value = as_decimal(state.state)
        if value is not None:
            self.value = value
        attrs = state.attributes
        self.last_period = as_decimal(attrs.get("last_period")) or Decimal(0)
        self.last_valid = as_decimal(attrs.get("last_valid_state"))
        last_reset = attrs.get("last_reset")
        if isinstance(last_reset, str):
            with contextlib.suppress(ValueError):
                self.last_reset = datetime.fromisoformat(last_reset)
