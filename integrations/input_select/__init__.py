"""input_select: a choice among options set at run time (a building's operating mode, the
pump to lead), kept across restarts.

```yaml
input_select:
  school_heating_mode:
    name: School heating mode
    options: [comfort, eco, frost, off]
    initial: eco           # optional: without it, the option before a restart comes back
```

Services: `input_select.select_option` (option), `select_next` / `select_previous`
(cycle, default true), `select_first`, `select_last`, `set_options` (options).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Self

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, RootModel, model_validator

from integrations.helper_base import HelperEntity, HelperSetup, NoData, entity_service
from integrations.helper_base.schema import Frozen, ObjectId, fail, none_as_empty
from integrations.helper_base.services import Method
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import State

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "input_select"
KIND = "helper"

Options = Annotated[tuple[str, ...], Field(min_length=1)]


def _duplicates(options: tuple[str, ...]) -> list[str]:
    return sorted({o for o in options if options.count(o) > 1})


class InputSelectConfig(Frozen):
    name: str | None = None
    icon: str | None = None
    options: Options
    initial: str | None = None

    @model_validator(mode="after")
    def _check_options(self) -> Self:
        if twice := _duplicates(self.options):
            fail("options", f"options must differ; listed twice: {', '.join(twice)}")
        if self.initial is not None and self.initial not in self.options:
            fail("initial", f"initial option '{self.initial}' is not one of the options: "
                 f"{', '.join(self.options)}", self.initial)
        return self


Entry = Annotated[InputSelectConfig, BeforeValidator(none_as_empty)]


class InputSelectSection(RootModel[dict[ObjectId, Entry]]):
    """The `input_select:` section: id -> settings."""


CONFIG_SCHEMA = InputSelectSection


class SelectOption(BaseModel):
    model_config = ConfigDict(extra="forbid")
    option: str


class Cycle(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cycle: bool = True


class SetOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    options: Options

    @model_validator(mode="after")
    def _unique(self) -> Self:
        if twice := _duplicates(self.options):
            raise ValueError(f"options must differ; listed twice: {', '.join(twice)}")
        return self


class InputSelect(HelperEntity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: InputSelectConfig) -> None:
        super().__init__(
            f"{DOMAIN}.{object_id}",
            name=config.name,
            icon=config.icon,
            restore=config.initial is None,
        )
        self.options: tuple[str, ...] = config.options
        self.option: str | None = config.initial

    @property
    def state_value(self) -> object:
        return self.option

    def state_attributes(self) -> dict[str, object]:
        return {"options": list(self.options), "editable": False}

    def take_saved(self, state: State) -> bool:
        if state.state not in self.options:
            return False
        self.option = state.state
        return True

    def take_default(self) -> None:
        self.option = self.options[0]

    def select(self, option: str, call: ServiceCall) -> None:
        if option not in self.options:
            raise ValueError(f"'{option}' is not one of the options: {', '.join(self.options)}")
        self.option = option
        self.settled = True
        self.write_state(call.context)

    def move(self, offset: int, call: ServiceCall) -> None:
        """Select the option `offset` places away (wrapping round when `cycle` is true)."""
        index = self.options.index(self.option) if self.option in self.options else 0
        target = index + offset
        if bool(call.data.get("cycle", True)):
            target %= len(self.options)
        self.select(self.options[min(max(target, 0), len(self.options) - 1)], call)

    def set_options(self, options: tuple[str, ...], call: ServiceCall) -> None:
        self.options = options
        self.select(self.option if self.option in options else options[0], call)


async def async_setup(hub: Hub, config: InputSelectSection) -> HelperSetup:
    async def build(setup: HelperSetup) -> None:
        entities = [InputSelect(oid, cfg) for oid, cfg in config.root.items()]
        for entity in entities:
            setup.add_entity(entity)
        services: list[tuple[str, type[BaseModel], Method[InputSelect]]] = [
            ("select_option", SelectOption, lambda e, c: e.select(str(c.data["option"]), c)),
            ("select_next", Cycle, lambda e, c: e.move(1, c)),
            ("select_previous", Cycle, lambda e, c: e.move(-1, c)),
            ("select_first", NoData, lambda e, c: e.select(e.options[0], c)),
            ("select_last", NoData, lambda e, c: e.select(e.options[-1], c)),
            ("set_options", SetOptions, lambda e, c: e.set_options(tuple(c.data["options"]), c)),
        ]
        for service, schema, method in services:
            setup.on_stop(entity_service(hub, DOMAIN, service, InputSelect, method, schema=schema))
        await setup.settle(entities)

    return await HelperSetup.run(hub, build)
