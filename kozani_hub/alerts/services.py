"""The `alert.*` services: raise, clear, acknowledge, shelve, unshelve, reset, suppress,
unsuppress. Each names its alerts by `alert_id` (one or a list) or by target entity
(`alert.<id>`), and says who did it (`who`, else the caller's user) and why (`note`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.services import ServiceCall

from .errors import AlertError
from .fields import Duration, Names
from .notify_service import NotifyData, notify_handler

if TYPE_CHECKING:
    from .engine import AlertEngine


class AlertData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    alert_id: Names = ()
    who: str | None = None
    note: str = ""


class RaiseData(AlertData):
    title: str | None = None
    message: str | None = None
    variables: dict[str, Any] = Field(default_factory=dict)


class ShelveData(AlertData):
    duration: Duration
    reason: str = Field(min_length=1)
    one_shot: bool = False


class SuppressData(AlertData):
    duration: Duration | None = None


def _ids(call: ServiceCall) -> list[str]:
    ids = [*call.data.get("alert_id", ()), *call.entity_ids]
    if not ids:
        raise AlertError(f"{call.name} needs 'alert_id' (or a target entity_id alert.<id>)")
    return [i.removeprefix("alert.") for i in ids]


def who(call: ServiceCall) -> str:
    """Who acts: `who` in the data, else the caller's user, else where the call came from."""
    given = call.data.get("who")
    if given:
        return str(given)
    return call.context.user or call.context.origin


def register(engine: AlertEngine) -> list[Callable[[], None]]:
    """Register the services; returns the functions that remove them."""

    def each(act: Callable[[str, ServiceCall], Any]) -> Callable[[ServiceCall], None]:
        def handler(call: ServiceCall) -> None:
            for alert_id in _ids(call):
                engine.get(alert_id)  # every id is checked before any is acted on
            for alert_id in _ids(call):
                act(alert_id, call)

        return handler

    def note(call: ServiceCall) -> str:
        return str(call.data.get("note") or "")

    def raise_(alert_id: str, call: ServiceCall) -> None:
        overrides = {k: call.data[k] for k in ("title", "message", "variables")
                     if call.data.get(k)}
        engine.raise_alert(alert_id, who=who(call), note=note(call), overrides=overrides,
                           context=call.context)

    def shelve(alert_id: str, call: ServiceCall) -> None:
        duration = call.data["duration"]
        engine.shelve(alert_id, who=who(call), reason=str(call.data["reason"]),
                      duration=duration if isinstance(duration, timedelta)
                      else timedelta(seconds=float(duration)),
                      one_shot=bool(call.data.get("one_shot")), context=call.context)

    def suppress(alert_id: str, call: ServiceCall) -> None:
        engine.suppress(alert_id, who=who(call), note=note(call),
                        duration=call.data.get("duration"), context=call.context)

    def simple(method: Callable[..., Any]) -> Callable[[str, ServiceCall], None]:
        def act(alert_id: str, call: ServiceCall) -> None:
            method(alert_id, who=who(call), note=note(call), context=call.context)

        return act

    reg = engine.hub.services.register
    undo_notify = reg(
        "notify", "send", notify_handler(engine), NotifyData,
        "Tell people something that is not an alarm (a daily summary), through the outbox",
    )
    return [
        undo_notify,
        reg("alert", "raise", each(raise_), RaiseData, "Raise an alert (a rule's alarm)"),
        reg("alert", "clear", each(simple(engine.clear)), AlertData,
            "End a raise; the alert returns unless its condition still holds"),
        reg("alert", "acknowledge", each(simple(engine.acknowledge)), AlertData,
            "Say 'I have it': escalation stops"),
        reg("alert", "shelve", each(shelve), ShelveData,
            "Hide an alert for a while, with a reason"),
        reg("alert", "unshelve", each(simple(engine.unshelve)), AlertData, "End a shelving"),
        reg("alert", "reset", each(simple(engine.reset)), AlertData,
            "End a latched alert whose condition is gone"),
        reg("alert", "suppress", each(suppress), SuppressData,
            "Take an alert out of service (maintenance)"),
        reg("alert", "unsuppress", each(simple(engine.unsuppress)), AlertData,
            "Put an alert back in service"),
    ]
