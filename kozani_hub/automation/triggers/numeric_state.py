"""`trigger: numeric_state` — a value crosses into a range (above / below), optionally `for:`.

As in Home Assistant, the trigger fires on the change that brings the value into range; a
value already in range when the rule starts must leave the range before it can fire again.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from ..fields import Duration, EntityIds, NumberOrEntity, TemplateText
from ..numeric import Bound, NumericCheck
from ..persist import from_plain
from ..problems import mark_of
from .base import Attachment, EntityWatch, Fire, Holds, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..env import Env


class NumericStateTriggerConfig(TriggerConfig):
    label = "numeric_state trigger"
    trigger: Literal["numeric_state"]
    entity_id: EntityIds
    above: NumberOrEntity | None = None
    below: NumberOrEntity | None = None
    attribute: str | None = Field(None, description="an attribute name")
    value_template: TemplateText | None = None
    for_: Duration | None = Field(None, alias="for")


class NumericStateTrigger(Trigger):
    platform = "numeric_state"
    Config = NumericStateTriggerConfig
    __slots__ = ("check", "duration", "entity_ids")

    def __init__(
        self,
        base: TriggerBase,
        entity_ids: tuple[str, ...],
        check: NumericCheck,
        duration: DurationSpec | None,
    ) -> None:
        super().__init__(base)
        self.entity_ids = entity_ids
        self.check = check
        self.duration = duration

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: NumericStateTriggerConfig = config
        check = NumericCheck.build(cfg, compiler, data, mark, "trigger")
        duration = compiler.duration(cfg.for_, mark_of(data, "for", mark), "for") \
            if cfg.for_ is not None else None
        return cls(base, compiler.entity_ids(cfg.entity_id, mark), check, duration)

    def _matching(
        self, env: Env, entity_id: str, state: State | None, variables: Mapping[str, Any]
    ) -> bool:
        try:
            return self.check.check(env, entity_id, state, variables)
        except Exception:
            return False

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        watch = NumericWatch(self, env, variables, fire)
        if self.duration is not None:
            holds = watch.holds = Holds(env, fire)
            holds.restore = lambda item: self._restore(env, holds, variables, item)
        watch.undo = [env.states.track(self.entity_ids, watch)]
        return watch

    def _restore(
        self, env: Env, holds: Holds, variables: Mapping[str, Any], item: Mapping[str, Any]
    ) -> str | None:
        key = str(item.get("key"))
        if not self._matching(env, key, env.states.get(key), variables):
            return f"{key} left the range while the hub was down; its 'for:' is dropped"
        data = from_plain(item.get("data") or {})
        holds.start_at(key, datetime.fromisoformat(str(item["due"])), data, None)
        return None


def _limit(bound: Bound | None) -> float | str | None:
    if bound is None:
        return None
    return bound.number if bound.number is not None else bound.entity_id


class NumericWatch(EntityWatch):
    """An attached numeric_state trigger, called with each change of its entities.

    An entity is armed while its value is out of range; the change that brings an armed
    entity into range fires (after `for:`, when given) and disarms it.
    """

    __slots__ = ("armed", "trigger")
    kind = "numeric_state"

    def __init__(
        self, trigger: NumericStateTrigger, env: Env, variables: Mapping[str, Any], fire: Fire
    ) -> None:
        super().__init__(env, variables, fire)
        self.trigger = trigger
        # A tuple, not a set: an empty or one-item tuple weighs a fraction of a set, and ten
        # thousand rules each keep one.
        self.armed: tuple[str, ...] = tuple(
            eid for eid in trigger.entity_ids
            if not trigger._matching(env, eid, env.states.get(eid), variables)
        )

    def __call__(self, event: Event) -> None:
        trigger = self.trigger
        holds = self.holds
        data = event.data
        entity_id: str = data["entity_id"]
        new: State | None = data["new_state"]
        if new is None:
            if holds is not None:
                holds.cancel(entity_id)
            return
        if not trigger._matching(self.env, entity_id, new, self.variables):
            if entity_id not in self.armed:
                self.armed = (*self.armed, entity_id)
            if holds is not None:
                holds.cancel(entity_id)
            return
        if entity_id not in self.armed:
            return
        armed = self.armed
        self.armed = () if armed == (entity_id,) else tuple(e for e in armed if e != entity_id)
        check = trigger.check
        base = trigger.base
        values: dict[str, Any] = {  # trigger.data(...) written out: a path taken per change
            "platform": "numeric_state", "id": base.id, "idx": base.idx, "alias": base.alias,
            "entity_id": entity_id, "above": _limit(check.above), "below": _limit(check.below),
            "from_state": data["old_state"], "to_state": new,
            "description": f"numeric state of {entity_id} {new.state}, {check.description}",
            "for": None,
        }
        self.fire_or_hold(trigger.duration, entity_id, values, new.context,
                          base.path)
