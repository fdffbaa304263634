"""The alarm lifecycle of ISA-18.2 / IEC 62682, as pure functions on AlertRecord.

    normal ──condition──▶ active ──acknowledge──▶ acknowledged ──returns──▶ normal
                            │                         │ still active after `realarm`: active
                            └──returns──▶ returned ──acknowledge──▶ normal
    latched alerts, once the condition returns, show `latched` until alert.reset;
    shelved (timed, or one-shot until the alert clears) and suppressed (out of service)
    hide an alert: nobody is notified; when it shows again while still active, it is
    unacknowledged again and told anew.

Each function returns the new record; one that may not be applied raises LifecycleError.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .record import AlertRecord, Change, Shelving, Suppression


class AlertState(StrEnum):
    """The state of `alert.<id>`."""

    NORMAL = "normal"
    ACTIVE = "active"
    """Active, unacknowledged."""
    ACKNOWLEDGED = "acknowledged"
    RETURNED = "returned"
    """Back to normal, never acknowledged."""
    LATCHED = "latched"
    """Back to normal, latched: waits for alert.reset."""
    SHELVED = "shelved"
    SUPPRESSED = "suppressed"


class LifecycleError(Exception):
    """An action the alert's state does not allow; the text says why."""


@dataclass(frozen=True, slots=True)
class Transition:
    """One change of an alert, as recorded and announced."""

    alert_id: str
    action: str
    old: AlertState
    new: AlertState
    who: str
    note: str
    at: datetime


def state_of(record: AlertRecord) -> AlertState:
    """The state shown for a record."""
    if record.suppression is not None:
        return AlertState.SUPPRESSED
    if record.shelving is not None:
        return AlertState.SHELVED
    if record.active:
        return AlertState.ACKNOWLEDGED if record.acknowledged else AlertState.ACTIVE
    if record.latched:
        return AlertState.LATCHED
    if not record.acknowledged:
        return AlertState.RETURNED
    return AlertState.NORMAL


def needs_attention(record: AlertRecord) -> bool:
    """Someone must be told (and escalated to) until it is acknowledged."""
    return not record.acknowledged and record.shelving is None and record.suppression is None


def _done(record: AlertRecord, action: str, who: str, note: str, now: datetime) -> AlertRecord:
    return record.replace(last=Change(action, who, note, now))


def activate(record: AlertRecord, now: datetime, who: str, note: str) -> AlertRecord:
    """The condition holds (after its on-delay), or a rule raised the alert."""
    if record.active:
        return record
    recent = (*record.activations, now)
    if record.acknowledged or record.since is None:
        # A new activation: someone must be told again.
        record = record.replace(
            since=now, acknowledged=False, acknowledged_by=None, acknowledged_at=None,
            notified=(), realarms=0, escalation=None, realarm_due=None, stale=False,
        )
    record = record.replace(active=True, latched=False, returned_at=None, pending_on=None,
                            pending_off=None, activations=recent)
    return _done(record, "activate", who, note, now)


def deactivate(
    record: AlertRecord, now: datetime, who: str, note: str, *, latched: bool
) -> AlertRecord:
    """The condition is gone (after its off-delay), or a rule cleared the alert."""
    if not record.active:
        return record
    record = record.replace(active=False, latched=latched, returned_at=now, pending_on=None,
                            pending_off=None, realarm_due=None, manual=False, stale=False)
    if record.acknowledged and not latched:
        record = record.replace(escalation=None)
    return _done(record, "return", who, note, now)


def acknowledge(
    record: AlertRecord, now: datetime, who: str, note: str,
    realarm: timedelta | None = None,
) -> AlertRecord:
    """Someone has it in hand: escalation stops."""
    if record.acknowledged:
        if state_of(record) is AlertState.NORMAL:
            raise LifecycleError(f"alert {record.alert_id} has nothing to acknowledge (it is "
                                 "normal)")
        raise LifecycleError(f"alert {record.alert_id} is already acknowledged by "
                             f"{record.acknowledged_by or 'someone'}")
    due = now + realarm if realarm is not None and record.active else None
    record = record.replace(acknowledged=True, acknowledged_by=who, acknowledged_at=now,
                            escalation=None, realarm_due=due)
    return _done(record, "acknowledge", who, note, now)


def reset(record: AlertRecord, now: datetime, who: str, note: str) -> AlertRecord:
    """End a latched alert whose condition is gone (acknowledging it too)."""
    if record.active:
        raise LifecycleError(f"alert {record.alert_id} cannot be reset: its condition still "
                             "holds")
    if not record.latched and record.acknowledged:
        raise LifecycleError(f"alert {record.alert_id} has nothing to reset (it is normal)")
    record = record.replace(latched=False, acknowledged=True, escalation=None,
                            acknowledged_by=record.acknowledged_by or who,
                            acknowledged_at=record.acknowledged_at or now)
    return _done(record, "reset", who, note, now)


def shelve(
    record: AlertRecord, now: datetime, who: str, reason: str, *,
    until: datetime, one_shot: bool,
) -> AlertRecord:
    """Hide the alert until `until` (or, one-shot, until it clears, at the latest `until`)."""
    if record.suppression is not None:
        raise LifecycleError(f"alert {record.alert_id} is suppressed (out of service); "
                             "unsuppress it before shelving")
    shelving = Shelving(until, who, reason, one_shot, now)
    record = record.replace(shelving=shelving, escalation=None)
    return _done(record, "shelve", who, reason, now)


def reshow(record: AlertRecord) -> AlertRecord:
    """Shown again: unacknowledged and told anew while still active; normal once it has
    returned (whoever hid it had it in hand); a latched alert stays latched."""
    if record.active:
        return record.replace(acknowledged=False, acknowledged_by=None, acknowledged_at=None,
                              realarm_due=None, escalation=None)
    if not record.latched:
        return record.replace(acknowledged=True, escalation=None)
    return record


def unshelve(
    record: AlertRecord, now: datetime, who: str, note: str, action: str = "unshelve"
) -> AlertRecord:
    """End the shelving (by hand, at its end, or as the one-shot alert clears)."""
    if record.shelving is None:
        raise LifecycleError(f"alert {record.alert_id} is not shelved")
    record = reshow(record.replace(shelving=None))
    return _done(record, action, who, note, now)


def suppress(
    record: AlertRecord, now: datetime, who: str, note: str, until: datetime | None = None
) -> AlertRecord:
    """Take the alert out of service (maintenance): tracked, never told."""
    record = record.replace(suppression=Suppression(who, note, now, until), shelving=None,
                            escalation=None)
    return _done(record, "suppress", who, note, now)


def unsuppress(
    record: AlertRecord, now: datetime, who: str, note: str, action: str = "unsuppress"
) -> AlertRecord:
    if record.suppression is None:
        raise LifecycleError(f"alert {record.alert_id} is not suppressed")
    record = reshow(record.replace(suppression=None))
    return _done(record, action, who, note, now)


def realarm(record: AlertRecord, now: datetime) -> AlertRecord:
    """Acknowledged, but still active after the re-alarm time: alarm again."""
    if not (record.active and record.acknowledged):
        return record
    record = reshow(record).replace(realarms=record.realarms + 1)
    return _done(record, "realarm", "hub", "acknowledged but still active", now)
