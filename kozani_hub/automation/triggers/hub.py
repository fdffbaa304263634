"""`trigger: hub` (Home Assistant's `homeassistant`) — the hub has started, or is shutting down.

As in Home Assistant, `start` fires once when the hub starts, not when rules are reloaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import EVENT_HUB_STARTED, EVENT_HUB_STOP, Event

from .base import Attachment, Fire, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env


class HubTriggerConfig(TriggerConfig):
    label = "hub trigger"
    trigger: Literal["hub", "homeassistant"]
    event: Literal["start", "shutdown"] = Field(description="start or shutdown")


class HubTrigger(Trigger):
    platform = "hub"
    Config = HubTriggerConfig
    __slots__ = ("event",)

    def __init__(self, base: TriggerBase, event: str) -> None:
        super().__init__(base)
        self.event = event

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: HubTriggerConfig = config
        return cls(base, cfg.event)

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        event_type = EVENT_HUB_STARTED if self.event == "start" else EVENT_HUB_STOP

        def heard(event: Event) -> None:
            fire(self.data(event=self.event, description=f"hub {self.event}"), event.context)

        return Attachment([env.bus.listen(event_type, heard)])
