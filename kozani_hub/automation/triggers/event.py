"""`trigger: event` — an event of a type, whose data contains the given keys and values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event

from ..problems import Invalid, mark_of
from ..values import Value
from .base import Attachment, Fire, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env


class EventTriggerConfig(TriggerConfig):
    label = "event trigger"
    trigger: Literal["event"]
    event_type: str | list[str] = Field(description="an event type, or a list of them")
    event_data: dict[str, Any] | None = Field(
        None, description="keys and values the event's data must contain"
    )
    context: dict[str, Any] | None = Field(
        None, description="user_id (or a list) the event's context must carry"
    )


def contains(data: Mapping[str, Any], expected: Mapping[str, Any]) -> bool:
    """Whether `data` holds every key of `expected` with an equal value (mappings: recursively)."""
    for key, want in expected.items():
        if key not in data:
            return False
        got = data[key]
        if isinstance(want, Mapping) and isinstance(got, Mapping):
            if not contains(got, want):
                return False
        elif got != want:
            return False
    return True


class EventTrigger(Trigger):
    platform = "event"
    Config = EventTriggerConfig
    __slots__ = ("event_data", "event_types", "user_ids")

    def __init__(
        self,
        base: TriggerBase,
        event_types: Value,
        event_data: Value | None,
        user_ids: tuple[str, ...] | None,
    ) -> None:
        super().__init__(base)
        self.event_types = event_types
        self.event_data = event_data
        self.user_ids = user_ids

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: EventTriggerConfig = config
        user_ids = None
        if cfg.context:
            unknown = set(cfg.context) - {"user_id"}
            if unknown:
                raise Invalid(mark, f"'context' takes only 'user_id', got {sorted(unknown)}")
            users = cfg.context.get("user_id")
            user_ids = tuple(str(u) for u in (users if isinstance(users, list) else [users]))
        expected = None
        if cfg.event_data:
            expected = compiler.value(data["event_data"], mark_of(data, "event_data", mark),
                                      "event_data")
        types = compiler.value(cfg.event_type, mark_of(data, "event_type", mark), "event_type")
        return cls(base, types, expected, user_ids)

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        types = self.event_types.render(variables)
        types = types if isinstance(types, list) else [types]
        expected = self.event_data.render(variables) if self.event_data is not None else None
        user_ids = self.user_ids

        def heard(event: Event) -> None:
            if expected and not contains(event.data, expected):
                return
            if user_ids is not None and event.context.user not in user_ids:
                return
            fire(
                self.data(event=event, description=f"event '{event.event_type}'"),
                event.context,
            )

        attachment = Attachment()
        for event_type in dict.fromkeys(str(t) for t in types):
            attachment.undo.append(env.bus.listen(event_type, heard))
        return attachment
