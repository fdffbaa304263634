"""The entity `alert.<id>`: its state is the lifecycle state, its attributes say the rest."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from .compose import Content
from .definition import Definition
from .lifecycle import state_of
from .record import AlertRecord


def _when(value: datetime | None, tz: tzinfo) -> str | None:
    return value.astimezone(tz).isoformat(timespec="seconds") if value is not None else None


def attributes(
    definition: Definition, record: AlertRecord, content: Content | None, tz: tzinfo,
    problem: str | None = None,
) -> dict[str, Any]:
    """What `alert.<id>` shows besides its state."""
    esc = record.escalation
    shelving, suppression, last = record.shelving, record.suppression, record.last
    attrs: dict[str, Any] = {
        "friendly_name": definition.display_name,
        "severity": str(definition.severity),
        "category": str(definition.category),
        "title": content.title if content else definition.display_name,
        "message": content.body if content else "",
        "active": record.active,
        "acknowledged": record.acknowledged,
        "since": _when(record.since, tz),
        "returned_at": _when(record.returned_at, tz),
        "acknowledged_by": record.acknowledged_by,
        "acknowledged_at": _when(record.acknowledged_at, tz),
        "latched": definition.latched,
        "shelved_until": _when(shelving.until, tz) if shelving else None,
        "shelved_by": shelving.by if shelving else None,
        "shelve_reason": shelving.reason if shelving else None,
        "suppressed_by": suppression.by if suppression else None,
        "notified": list(record.notified),
        "escalation_step": esc.last_step if esc is not None else None,
        "escalation_round": esc.round + 1 if esc is not None and esc.due is not None else None,
        "next_escalation": _when(esc.due, tz) if esc is not None else None,
        "reminders": esc.reminders if esc is not None else 0,
        "realarms": record.realarms,
        "chattering": record.chattering,
        "stale": record.stale,
        "policy": definition.policy,
        "group": definition.group,
        "source": definition.source_entity,
        "last_action": last.action if last else None,
        "last_by": last.who if last else None,
        "last_note": last.note if last else None,
    }
    if content is not None and content.errors:
        attrs["template_errors"] = list(content.errors)
    if problem:
        attrs["delivery_problem"] = problem
    return attrs


def state(record: AlertRecord) -> str:
    return str(state_of(record))
