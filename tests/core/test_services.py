from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.context import Context
from kozani_hub.core.events import EVENT_SERVICE_CALLED, Event
from kozani_hub.core.services import ServiceCall, ServiceNotFound, ServiceValidationError
from kozani_hub.hub import Hub


class Setpoint(BaseModel):
    model_config = ConfigDict(extra="forbid")
    level: float = Field(ge=0, le=5)


async def test_call_reaches_handler_with_validated_data_and_targets(hub: Hub) -> None:
    calls: list[ServiceCall] = []

    async def handler(call: ServiceCall) -> str:
        calls.append(call)
        return "ok"

    hub.services.register("water", "set_level", handler, Setpoint)
    ctx = Context(origin="user")
    result = await hub.services.call(
        "water",
        "set_level",
        {"level": "2.5"},
        target={"entity_id": "number.tank_north"},
        context=ctx,
    )
    assert result == "ok"
    assert calls[0].data == {"level": 2.5}
    assert calls[0].entity_ids == ("number.tank_north",)
    assert calls[0].context is ctx


async def test_sync_handlers_are_called_directly(hub: Hub) -> None:
    hits: list[int] = []
    hub.services.register("bench", "hit", lambda call: hits.append(call.data["idx"]))
    await hub.services.call("bench", "hit", {"idx": 7})
    assert hits == [7]


async def test_unknown_service_suggests_the_right_one(hub: Hub) -> None:
    with pytest.raises(
        ServiceNotFound, match=r"unknown service light\.turn_onn; did you mean light\.turn_on"
    ):
        await hub.services.call("light", "turn_onn")


async def test_bad_data_is_a_clear_error(hub: Hub) -> None:
    hub.services.register("water", "set_level", lambda c: None, Setpoint)
    with pytest.raises(ServiceValidationError) as err:
        await hub.services.call("water", "set_level", {"level": 9, "colour": "red"})
    message = str(err.value)
    assert "water.set_level" in message
    assert "level" in message and "unexpected key 'colour'" in message


async def test_entity_id_in_data_becomes_target_and_call_is_announced(hub: Hub) -> None:
    seen: list[Event] = []
    hub.bus.listen(EVENT_SERVICE_CALLED, seen.append)
    got: list[ServiceCall] = []
    hub.services.register("x", "y", got.append)
    await hub.services.call("x", "y", {"entity_id": "light.a, light.b", "n": 1})
    assert got[0].entity_ids == ("light.a", "light.b")
    assert got[0].data == {"n": 1}
    assert seen[0].data["domain"] == "x" and seen[0].data["entity_ids"] == ["light.a", "light.b"]


async def test_register_returns_its_removal(hub: Hub) -> None:
    remove = hub.services.register("x", "y", lambda c: None)
    assert hub.services.has("x", "y")
    remove()
    assert not hub.services.has("x", "y")
