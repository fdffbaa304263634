"""counter: counts things rules see happen (pump starts today, SOS presses this month),
kept across restarts.

```yaml
counter:
  pump_1_starts:
    name: Pump 1 starts
    initial: 0            # the value `reset` goes back to (default 0)
    step: 1
    minimum: 0            # optional bounds: increments stop there
    maximum: 1000
    restore: true         # default: the count before a restart comes back
```

Services: `counter.increment`, `decrement`, `reset`, `set_value` (value).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, model_validator

from integrations.helper_base import HelperEntity, HelperSetup, entity_service
from integrations.helper_base.schema import Frozen, ObjectId, fail, none_as_empty
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import State

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "counter"
KIND = "helper"


class CounterConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    initial: int = 0
    step: int = Field(default=1, ge=1)
    minimum: int | None = None
    maximum: int | None = None
    restore: bool = True

    @model_validator(mode="after")
    def _check_bounds(self) -> Self:
        low, high = self.minimum, self.maximum
        if low is not None and high is not None and high < low:
            fail("maximum", f"maximum ({high}) must not be below minimum ({low})", high)
        if (low is not None and self.initial < low) or (high is not None and self.initial > high):
            fail("initial", f"initial value {self.initial} is outside {_range(low, high)}",
                 self.initial)
        return self


def _range(low: int | None, high: int | None) -> str:
    return f"{'' if low is None else low}..{'' if high is None else high}"


Entry = Annotated[CounterConfig, BeforeValidator(none_as_empty)]


class CounterSection(RootModel[dict[ObjectId, Entry]]):
    """The `counter:` section: id -> settings."""


CONFIG_SCHEMA = CounterSection


class SetValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    value: int


class Counter(HelperEntity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: CounterConfig) -> None:
        super().__init__(
            f"{DOMAIN}.{object_id}", name=config.name, icon=config.icon, restore=config.restore
        )
        self.config = config
        self.value: int | None = None if config.restore else config.initial

    @property
    def state_value(self) -> object:
        return self.value

    def state_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {"initial": self.config.initial, "step": self.config.step}
        if self.config.minimum is not None:
            attrs["minimum"] = self.config.minimum
        if self.config.maximum is not None:
            attrs["maximum"] = self.config.maximum
        attrs["editable"] = False
        return attrs

    def take_saved(self, state: State) -> bool:
        try:
            self.value = self._clamp(int(state.state))
        except ValueError:
            return False
        return True

    def take_default(self) -> None:
        self.value = self.config.initial

    def _clamp(self, value: int) -> int:
        if self.config.minimum is not None:
            value = max(value, self.config.minimum)
        if self.config.maximum is not None:
            value = min(value, self.config.maximum)
        return value

    def _write(self, value: int, call: ServiceCall) -> None:
        self.value = value
        self.settled = True
        self.write_state(call.context)

    def step_by(self, steps: int, call: ServiceCall) -> None:
        current = self.value if self.value is not None else self.config.initial
        self._write(self._clamp(current + steps * self.config.step), call)

    def reset(self, call: ServiceCall) -> None:
        self._write(self.config.initial, call)

    def set_value(self, value: int, call: ServiceCall) -> None:
        if self._clamp(value) != value:
            bounds = _range(self.config.minimum, self.config.maximum)
            raise ValueError(f"{value} is outside {bounds}")
        self._write(value, call)


async def async_setup(hub: Hub, config: CounterSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [Counter(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        on_stop, kind = setup.on_stop, Counter
        on_stop(entity_service(hub, DOMAIN, "increment", kind, lambda e, c: e.step_by(1, c)))
        on_stop(entity_service(hub, DOMAIN, "decrement", kind, lambda e, c: e.step_by(-1, c)))
        on_stop(entity_service(hub, DOMAIN, "reset", kind, lambda e, c: e.reset(c)))
        on_stop(
            entity_service(
                hub, DOMAIN, "set_value", kind,
                lambda e, c: e.set_value(int(c.data["value"]), c), schema=SetValue,
            )
        )
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)
