"""`trigger: template` — a template's result turns from false to true, optionally `for:` a while.

The template is rendered again only when an entity it read changes. As in Home Assistant, a
template already true when the rule starts must turn false before it can fire.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event

from ..fields import Duration, TemplateText
from ..persist import from_plain
from ..problems import mark_of
from ..watch import TemplateWatch, truthy
from .base import Attachment, Fire, Holds, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from kozani_hub.templates import RenderInfo, Template

    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..env import Env

KEY = "template"


class TemplateTriggerConfig(TriggerConfig):
    label = "template trigger"
    trigger: Literal["template"]
    value_template: TemplateText
    for_: Duration | None = Field(None, alias="for")


class TemplateTrigger(Trigger):
    platform = "template"
    Config = TemplateTriggerConfig
    __slots__ = ("duration", "template")

    def __init__(
        self, base: TriggerBase, template: Template, duration: DurationSpec | None
    ) -> None:
        super().__init__(base)
        self.template = template
        self.duration = duration

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: TemplateTriggerConfig = config
        template = compiler.template(cfg.value_template, mark_of(data, "value_template", mark),
                                     "value_template")
        duration = compiler.duration(cfg.for_, mark_of(data, "for", mark), "for") \
            if cfg.for_ is not None else None
        return cls(base, template, duration)

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        holds = Holds(env, fire) if self.duration is not None else None
        was_true = [False]

        def result(info: RenderInfo, event: Event | None) -> None:
            now_true = info.error is None and truthy(info.result)
            if not now_true:
                was_true[0] = False
                if holds is not None:
                    holds.cancel(KEY)
                return
            if was_true[0]:
                return
            was_true[0] = True
            self._matched(env, variables, fire, holds, event)

        watch = TemplateWatch(env, self.template, variables, result)
        first = watch.start()
        was_true[0] = first.error is None and truthy(first.result)
        attachment = Attachment([watch.stop])
        attachment.holds = holds
        if holds is not None:
            holds.restore = lambda item: self._restore(holds, was_true[0], item)
        return attachment

    def _matched(
        self,
        env: Env,
        variables: Mapping[str, Any],
        fire: Fire,
        holds: Holds | None,
        event: Event | None,
    ) -> None:
        data: Mapping[str, Any] = event.data if event is not None else {}
        new = data.get("new_state")
        trigger = self.data(
            entity_id=data.get("entity_id"),
            from_state=data.get("old_state"),
            to_state=new,
            description="template" + (f" after {data['entity_id']} changed" if data else ""),
        )
        trigger["for"] = None
        context = event.context if event is not None else None
        if self.duration is None or holds is None:
            fire(trigger, context)
            return
        try:
            period = self.duration.resolve({**variables, "trigger": trigger})
        except Exception as err:
            env.logger.error("template trigger %s: cannot work out 'for': %s", self.base.path, err)
            return
        trigger["for"] = period
        if period <= timedelta(0):
            fire(trigger, context)
        else:
            holds.start(KEY, period, trigger, context)

    def _restore(self, holds: Holds, is_true: bool, item: Mapping[str, Any]) -> str | None:
        if not is_true:
            return "the template turned false while the hub was down; its 'for:' is dropped"
        due = datetime.fromisoformat(str(item["due"]))
        holds.start_at(KEY, due, from_plain(item.get("data") or {}), None)
        return None
