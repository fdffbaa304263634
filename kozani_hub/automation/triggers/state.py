"""`trigger: state` — an entity's state (or one attribute) changes, optionally held `for:` a while."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from ..fields import Duration, EntityIds, StateValue
from ..matching import AnyValue, matcher, show_matcher
from ..persist import from_plain
from ..problems import Invalid, mark_of
from .base import Attachment, EntityWatch, Fire, Holds, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..env import Env

Match = frozenset[Any] | tuple[Any, ...] | AnyValue
Exclude = frozenset[Any] | tuple[Any, ...] | None


class StateTriggerConfig(TriggerConfig):
    label = "state trigger"
    trigger: Literal["state"]
    entity_id: EntityIds
    from_: StateValue = Field(None, alias="from")
    to: StateValue = None
    not_from: StateValue = None
    not_to: StateValue = None
    attribute: str | None = Field(None, description="an attribute name")
    for_: Duration | None = Field(None, alias="for")


class StateTrigger(Trigger):
    platform = "state"
    Config = StateTriggerConfig
    __slots__ = (
        "attribute",
        "duration",
        "entity_ids",
        "from_",
        "match_all",
        "not_from",
        "not_to",
        "only_from",
        "to",
    )

    def __init__(
        self,
        base: TriggerBase,
        *,
        entity_ids: tuple[str, ...],
        attribute: str | None,
        matches: tuple[Match, Match, Exclude, Exclude],
        match_all: bool,
        duration: DurationSpec | None,
        only_from: bool,
    ) -> None:
        super().__init__(base)
        self.entity_ids = entity_ids
        self.attribute = attribute
        self.from_, self.to, self.not_from, self.not_to = matches
        self.match_all = match_all
        self.duration = duration
        self.only_from = only_from

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: StateTriggerConfig = config
        given = cfg.model_fields_set
        for a, b in (("from_", "not_from"), ("to", "not_to")):
            if a in given and b in given:
                raise Invalid(mark, f"give '{a.rstrip('_')}' or '{b}', not both")
        as_state = cfg.attribute is None
        matches = tuple(
            compiler.shared(matcher(getattr(cfg, name), mark, name.rstrip("_"), as_state=as_state))
            for name in ("from_", "to", "not_from", "not_to")
        )
        duration = None
        if cfg.for_ is not None:
            duration = compiler.duration(cfg.for_, mark_of(data, "for", mark), "for")
        return cls(
            base,
            entity_ids=compiler.entity_ids(cfg.entity_id, mark),
            attribute=compiler.text(cfg.attribute) if cfg.attribute else None,
            matches=(matches[0], matches[1], _exclude(matches[2]), _exclude(matches[3])),
            match_all=not ({"from_", "to", "not_from", "not_to"} & given),
            duration=duration,
            only_from="from_" in given and "to" not in given,
        )

    def value_of(self, state: State | None) -> Any:
        if state is None:
            return None
        if self.attribute is None:
            return state.state
        return state.attributes.get(self.attribute)

    def matches(self, old: Any, new: Any) -> bool:
        if old not in self.from_ or new not in self.to:
            return False
        if self.not_from is not None and old in self.not_from:
            return False
        if self.not_to is not None and new in self.not_to:
            return False
        return self.match_all or old != new

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        watch = StateWatch(self, env, variables, fire)
        if self.duration is not None:
            holds = watch.holds = Holds(env, fire)
            holds.restore = lambda item: self._restore(env, holds, item)
        watch.undo = [env.states.track(self.entity_ids, watch)]
        return watch

    def _still(self, holds: Holds, entity_id: str, new: State | None) -> bool:
        """Whether the wait begun for `entity_id` still holds with its new state."""
        if new is None:
            return False
        data = holds.data(entity_id)
        if data is None:
            return False
        current = self.value_of(new)
        if self.only_from:
            return bool(current != self.value_of(data.get("from_state")))
        return bool(current == self.value_of(data.get("to_state")))

    def _restore(self, env: Env, holds: Holds, item: Mapping[str, Any]) -> str | None:
        key = str(item.get("key"))
        data = from_plain(item.get("data") or {})
        due = datetime.fromisoformat(str(item["due"]))
        holds.start_at(key, due, data, None)
        if not self._still(holds, key, env.states.get(key)):
            holds.cancel(key)
            return f"the state of {key} changed while the hub was down; its 'for:' is dropped"
        return None

    def __repr__(self) -> str:
        return (f"StateTrigger({', '.join(self.entity_ids)} from {show_matcher(self.from_)} "
                f"to {show_matcher(self.to)})")


def _exclude(match: Match) -> Exclude:
    """not_from / not_to: the values to refuse; None (given as null) refuses nothing."""
    return None if isinstance(match, AnyValue) else match


class StateWatch(EntityWatch):
    """An attached state trigger: called with each state_changed event of its entities."""

    __slots__ = ("trigger",)
    kind = "state"

    def __init__(
        self, trigger: StateTrigger, env: Env, variables: Mapping[str, Any], fire: Fire
    ) -> None:
        super().__init__(env, variables, fire)
        self.trigger = trigger

    def __call__(self, event: Event) -> None:
        trigger = self.trigger
        attribute = trigger.attribute
        data = event.data
        old: State | None = data["old_state"]
        new: State | None = data["new_state"]
        entity_id: str = data["entity_id"]
        if attribute is None:
            old_value = old.state if old is not None else None
            new_value = new.state if new is not None else None
        else:
            old_value = old.attributes.get(attribute) if old is not None else None
            new_value = new.attributes.get(attribute) if new is not None else None
            if old_value == new_value:
                return
        holds = self.holds
        if holds is not None and entity_id in holds and not trigger._still(holds, entity_id, new):
            holds.cancel(entity_id)
        if not trigger.matches(old_value, new_value):
            return
        base = trigger.base
        values: dict[str, Any] = {  # trigger.data(...) written out: the hottest path of the hub
            "platform": "state", "id": base.id, "idx": base.idx, "alias": base.alias,
            "entity_id": entity_id, "from_state": old, "to_state": new, "for": None,
            "attribute": attribute, "description": f"state {entity_id} {old_value}→{new_value}",
        }
        context = new.context if new is not None else event.context
        self.fire_or_hold(trigger.duration, entity_id, values, context,
                          base.path)
