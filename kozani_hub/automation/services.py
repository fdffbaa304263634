"""The `automation.*` services: turn_on, turn_off, toggle, trigger, reload."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.services import ServiceCall, ServiceError

if TYPE_CHECKING:
    from .automation import Automation
    from .engine import AutomationEngine

DOMAIN = "automation"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TurnOffData(_Data):
    stop_actions: bool = Field(True, description="also stop the rule's running actions")


class TriggerData(_Data):
    skip_condition: bool = Field(True, description="run the actions without the conditions")
    variables: dict[str, Any] = Field(default_factory=dict, description="extra variables")


def register(engine: AutomationEngine) -> list[Callable[[], None]]:
    """Register the services; return what removes them."""
    register = engine.hub.services.register

    def targets(call: ServiceCall) -> list[Automation]:
        if not call.entity_ids:
            raise ServiceError(f"{call.name} needs a target entity_id (automation.<id>, or all)")
        if call.entity_ids == ("all",):
            return list(engine.rules.values())
        by_entity = {a.entity_id: a for a in engine.rules.values()}
        found = []
        for entity_id in call.entity_ids:
            automation = by_entity.get(entity_id)
            if automation is None:
                raise ServiceError(f"{call.name}: no rule has the entity {entity_id}")
            found.append(automation)
        return found

    def turn_on(call: ServiceCall) -> None:
        for automation in targets(call):
            automation.turn_on(call.context)

    def turn_off(call: ServiceCall) -> None:
        stop = bool(call.data.get("stop_actions", True))
        for automation in targets(call):
            automation.turn_off(call.context, stop_actions=stop)

    def toggle(call: ServiceCall) -> None:
        for automation in targets(call):
            if automation.enabled:
                automation.turn_off(call.context)
            else:
                automation.turn_on(call.context)

    def trigger(call: ServiceCall) -> None:
        skip = bool(call.data.get("skip_condition", True))
        extra = dict(call.data.get("variables") or {})
        for automation in targets(call):
            data = {"platform": None, "id": None, "idx": None, "alias": None,
                    "description": f"{call.name} service"}
            automation.start(data, call.context.child("rule"), extra=extra,
                             skip_condition=skip)

    async def reload(call: ServiceCall) -> None:
        issues = await engine.reload()
        if issues:
            lines = "; ".join(str(issue) for issue in issues[:5])
            more = f" (and {len(issues) - 5} more)" if len(issues) > 5 else ""
            raise ServiceError(f"the rules were not reloaded, {len(issues)} problem(s): "
                               f"{lines}{more}")

    return [
        register(DOMAIN, "turn_on", turn_on, _Data, "Turn rules on"),
        register(DOMAIN, "turn_off", turn_off, TurnOffData, "Turn rules off"),
        register(DOMAIN, "toggle", toggle, _Data, "Toggle rules on or off"),
        register(DOMAIN, "trigger", trigger, TriggerData, "Run rules' actions now"),
        register(DOMAIN, "reload", reload, _Data, "Reload the rule files (only if all are valid)"),
    ]
