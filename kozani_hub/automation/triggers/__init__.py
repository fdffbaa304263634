"""Triggers: the registry of trigger types, and compiling and attaching a rule's triggers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.config.marked import Mark

from ..normalize import as_list, item_mark, rename
from ..problems import Invalid, mark_of, one_of, show, unknown_kind
from .base import Attachment, Fire, Trigger, TriggerBase, TriggerConfig
from .event import EventTrigger
from .hub import HubTrigger
from .numeric_state import NumericStateTrigger
from .state import StateTrigger
from .sun import SunTrigger
from .template import TemplateTrigger
from .time import TimeTrigger
from .time_pattern import TimePatternTrigger
from .webhook import WebhookTrigger

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env

TRIGGERS: Mapping[str, type[Trigger]] = {
    "state": StateTrigger,
    "numeric_state": NumericStateTrigger,
    "time": TimeTrigger,
    "time_pattern": TimePatternTrigger,
    "template": TemplateTrigger,
    "event": EventTrigger,
    "sun": SunTrigger,
    "webhook": WebhookTrigger,
    "hub": HubTrigger,
    "homeassistant": HubTrigger,
}
"""Every trigger type by the name written after `trigger:` (or the legacy `platform:`)."""

__all__ = [
    "TRIGGERS",
    "Attachment",
    "Fire",
    "Trigger",
    "TriggerBase",
    "TriggerConfig",
    "attach_all",
    "compile_triggers",
]


def compile_triggers(
    compiler: Compiler, data: Any, prefix: str, mark: Mark
) -> tuple[Trigger, ...]:
    """Compile a trigger or a list of triggers; raise Invalid with every problem found."""
    items = as_list(data)
    if not items:
        raise Invalid(mark, "no trigger given: a rule needs at least one trigger")
    triggers: list[Trigger] = []
    problems: list[tuple[Mark, str]] = []
    for index, item in enumerate(items):
        where = item_mark(items, index, mark)
        try:
            triggers.append(compile_trigger(compiler, item, f"{prefix}/{index}", index, where))
        except Invalid as error:
            problems.extend(error.problems)
    if problems:
        raise Invalid.many(problems)
    return tuple(triggers)


def compile_trigger(compiler: Compiler, data: Any, path: str, index: int, mark: Mark) -> Trigger:
    """Compile one trigger."""
    if not isinstance(data, dict):
        raise Invalid(mark, f"expected a trigger as a mapping such as 'trigger: state', "
                      f"got {show(data)}")
    data = rename(data, {"platform": "trigger"}, mark, "trigger")
    kind = data.get("trigger")
    if kind is None:
        raise Invalid(mark, f"a trigger needs 'trigger:', one of {one_of(_kinds())}")
    cls = TRIGGERS.get(str(kind))
    if cls is None:
        raise Invalid(mark_of(data, "trigger", mark), unknown_kind("trigger type", kind, _kinds()))
    config = compiler.check(cls.Config, data, mark)
    path = compiler.at(path, mark)
    variables = None
    if config.variables:
        variables = compiler.value(data["variables"], mark_of(data, "variables", mark), "variables")
    base = TriggerBase(
        idx=str(index),
        id=str(config.id) if config.id is not None else str(index),
        alias=config.alias,
        enabled=config.enabled,
        variables=variables,
        path=path,
    )
    return cls.build(base, config, compiler, data, mark)


def _kinds() -> list[str]:
    return [k for k in TRIGGERS if k != "homeassistant"]


def attach_all(
    triggers: tuple[Trigger, ...], env: Env, variables: Mapping[str, Any], fire: Fire
) -> list[Attachment | None]:
    """Attach every enabled trigger; if one fails, detach those already attached and raise.

    The result has one entry per trigger (None for a disabled one), in order.
    """
    attached: list[Attachment | None] = []
    try:
        for trigger in triggers:
            if not trigger.base.enabled:
                attached.append(None)
                continue
            attached.append(trigger.attach(env, variables, fire))
    except BaseException:
        for attachment in reversed(attached):
            if attachment is not None:
                attachment.detach()
        raise
    return attached
