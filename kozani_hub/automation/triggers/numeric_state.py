"""`trigger: numeric_state` — a value crosses into a range (above / below), optionally `for:`.

As in Home Assistant, the trigger fires on the change that brings the value into range; a
value already in range when the rule starts must leave the range before it can fire again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event
from kozani_hub.core.states import State

from ..fields import Duration, EntityIds, NumberOrEntity, TemplateText
from ..numeric import Bound, NumericCheck
from ..persist import from_plain
from ..problems import Invalid, mark_of
from .base import Attachment, Fire, Holds, Trigger, TriggerBase, TriggerConfig

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
        if cfg.above is None and cfg.below is None:
            raise Invalid(mark, "a numeric_state trigger needs 'above', 'below' or both")
        template = None
        if cfg.value_template is not None:
            template = compiler.template(cfg.value_template, mark_of(data, "value_template", mark),
                                         "value_template")
        check = NumericCheck(
            Bound.parse(cfg.above, mark_of(data, "above", mark), "above"),
            Bound.parse(cfg.below, mark_of(data, "below", mark), "below"),
            compiler.text(cfg.attribute) if cfg.attribute else None,
            template,
        )
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
        armed = {
            eid for eid in self.entity_ids
            if not self._matching(env, eid, env.states.get(eid), variables)
        }
        holds = Holds(env, fire) if self.duration is not None else None
        attachment = Attachment()
        attachment.holds = holds
        if holds is not None:
            holds.restore = lambda item: self._restore(env, holds, variables, item)
        listener = self._listener(env, variables, fire, holds, armed)
        attachment.undo.append(env.states.track(self.entity_ids, listener))
        return attachment

    def _listener(
        self,
        env: Env,
        variables: Mapping[str, Any],
        fire: Fire,
        holds: Holds | None,
        armed: set[str],
    ) -> Callable[[Event], None]:
        duration = self.duration
        check = self.check

        def changed(event: Event) -> None:
            data = event.data
            entity_id: str = data["entity_id"]
            new: State | None = data["new_state"]
            if new is None:
                if holds is not None:
                    holds.cancel(entity_id)
                return
            if not self._matching(env, entity_id, new, variables):
                armed.add(entity_id)
                if holds is not None:
                    holds.cancel(entity_id)
                return
            if entity_id not in armed:
                return
            armed.discard(entity_id)
            old: State | None = data["old_state"]
            trigger = self.data(
                entity_id=entity_id,
                above=_limit(check.above),
                below=_limit(check.below),
                from_state=old,
                to_state=new,
                description=f"numeric state of {entity_id} {new.state}, {check.describe()}",
            )
            trigger["for"] = None
            if duration is None or holds is None:
                fire(trigger, new.context)
                return
            try:
                period = duration.resolve({**variables, "trigger": trigger})
            except Exception as err:
                env.logger.error(
                    "numeric_state trigger %s: cannot work out 'for': %s", self.base.path, err
                )
                return
            trigger["for"] = period
            if period <= timedelta(0):
                fire(trigger, new.context)
            else:
                holds.start(entity_id, period, trigger, new.context)

        return changed

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
