"""input_boolean: on/off switches a technician or manager flips at run time (an override, a
holiday mode), kept across restarts.

```yaml
input_boolean:
  pump_station_override:
    name: Pump station manual override
    icon: mdi:hand-back-right
    initial: false        # optional: without it, the value before a restart comes back
```

Services: `input_boolean.turn_on`, `turn_off`, `toggle` (target: entity_id).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from pydantic import BeforeValidator, RootModel

from integrations.helper_base import HelperEntity, HelperSetup, entity_service
from integrations.helper_base.schema import Frozen, ObjectId, none_as_empty
from kozani_hub.core.context import Context
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import STATE_OFF, STATE_ON, State

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "input_boolean"
KIND = "helper"


class InputBooleanConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    initial: bool | None = None


Entry = Annotated[InputBooleanConfig, BeforeValidator(none_as_empty)]


class InputBooleanSection(RootModel[dict[ObjectId, Entry]]):
    """The `input_boolean:` section: id -> settings."""


CONFIG_SCHEMA = InputBooleanSection


class InputBoolean(HelperEntity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: InputBooleanConfig) -> None:
        super().__init__(
            f"{DOMAIN}.{object_id}",
            name=config.name,
            icon=config.icon,
            attributes={"editable": False},
            restore=config.initial is None,
        )
        self.is_on: bool | None = config.initial

    @property
    def state_value(self) -> object:
        if self.is_on is None:
            return None
        return STATE_ON if self.is_on else STATE_OFF

    def take_saved(self, state: State) -> bool:
        if state.state not in (STATE_ON, STATE_OFF):
            return False
        self.is_on = state.state == STATE_ON
        return True

    def take_default(self) -> None:
        self.is_on = False

    def turn(self, on: bool | None, context: Context) -> None:
        """Switch on, off, or (None) to the other position."""
        self.is_on = (not self.is_on) if on is None else on
        self.settled = True
        self.write_state(context)


async def async_setup(hub: Hub, config: InputBooleanSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [InputBoolean(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        for service, on in (("turn_on", True), ("turn_off", False), ("toggle", None)):
            setup.on_stop(entity_service(hub, DOMAIN, service, InputBoolean, _turner(on)))
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)


def _turner(on: bool | None) -> Callable[[InputBoolean, ServiceCall], None]:
    def turn(entity: InputBoolean, call: ServiceCall) -> None:
        entity.turn(on, call.context)

    return turn
