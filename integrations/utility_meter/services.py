"""`utility_meter.select_tariff`, `next_tariff`, `reset` and `calibrate`: each targets a meter's
select or any of its sensors."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from integrations.helper_base import NoData
from kozani_hub.core.services import ServiceCall, ServiceError

from .meter import Meter

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "utility_meter"


class SelectTariff(BaseModel):
    model_config = ConfigDict(extra="forbid")
    tariff: str


class Calibrate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: Decimal


def register_services(hub: Hub, meters: Mapping[str, Meter]) -> list[Callable[[], None]]:
    """Register the services over `meters` (entity id -> its meter); returns their removers."""

    def targets(call: ServiceCall) -> list[Meter]:
        if not call.entity_ids:
            raise ServiceError(f"{call.name} needs a target entity_id")
        unknown = [eid for eid in call.entity_ids if eid not in meters]
        if unknown:
            raise ServiceError(f"{call.name}: no utility meter entity {', '.join(unknown)}")
        return list(dict.fromkeys(meters[eid] for eid in call.entity_ids))

    def each(call: ServiceCall, act: Callable[[Meter], None]) -> None:
        for meter in targets(call):
            try:
                act(meter)
            except ValueError as err:
                raise ServiceError(f"{call.name}: {err}") from None

    def select_tariff(call: ServiceCall) -> None:
        each(call, lambda m: m.select_tariff(str(call.data["tariff"]), call.context))

    def next_tariff(call: ServiceCall) -> None:
        each(call, lambda m: m.next_tariff(call.context))

    def reset(call: ServiceCall) -> None:
        each(call, lambda m: m.reset(call.context))

    def calibrate(call: ServiceCall) -> None:
        value = Decimal(str(call.data["value"]))
        targets(call)
        for entity_id in call.entity_ids:
            meter = meters[entity_id]
            sensor = next((s for s in meter.sensors.values() if s.entity_id == entity_id), None)
            if sensor is None:
                raise ServiceError(f"{call.name}: target a meter's sensor, not {entity_id}")
            meter.calibrate(sensor, value, call.context)

    register = hub.services.register
    return [
        register(DOMAIN, "select_tariff", select_tariff, SelectTariff, "Count on another tariff"),
        register(DOMAIN, "next_tariff", next_tariff, NoData, "Count on the next tariff"),
        register(DOMAIN, "reset", reset, NoData, "End the cycle now"),
        register(DOMAIN, "calibrate", calibrate, Calibrate, "Set a meter sensor's value"),
    ]
