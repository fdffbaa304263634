"""Applying a change to an alert: save it, record it, announce it, show it, and tell whoever
its escalation says must be told now.

Everything here runs synchronously on the event loop, so the order of events is the order of
causes; what must reach the disk is queued at once (in order) and every notification waits
for it before it is sent.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypedDict

from kozani_hub.core.context import Context
from kozani_hub.recorder import PendingItem
from kozani_hub.templates import render_complex

from . import entity, lifecycle
from .alert import Alert
from .compose import Composer
from .config import AlertsConfig, ServiceAction
from .entry import OutboxEntry
from .escalation import Recipient, due_reminders, due_steps, recipients, start
from .flood import chattering
from .journal import LogRow
from .lifecycle import Transition, needs_attention, state_of
from .outbox import Outbox
from .record import AlertRecord, to_payload
from .store import RECORD, Durable

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.alerts")
EVENT_TRANSITION = "alert_transition"
EVENT_CHATTERING = "alert_chattering"
EVENT_STALE = "alert_stale"

AlertTransitionData = TypedDict("AlertTransitionData", {
    "alert_id": str, "entity_id": str, "action": str, "from": str, "to": str, "who": str,
    "note": str, "severity": str, "category": str, "at": str,
})


class Machine:
    """The engine's working part: owns no configuration loading and no services."""

    def __init__(self, hub: Hub, config: AlertsConfig, composer: Composer, durable: Durable,
                 outbox: Outbox) -> None:
        self.hub = hub
        self.config = config
        self.composer = composer
        self.durable = durable
        self.outbox = outbox

    # --- what alerts ask (the Owner protocol) -----------------------------------------------

    def stale_after(self) -> timedelta:
        return self.config.flood.stale_after

    def condition_on(self, alert: Alert, note: str, who: str = "hub",
                     context: Context | None = None) -> None:
        now = self.hub.clock.now()
        old = alert.record
        new = lifecycle.activate(old, now, who, note)
        flood = self.config.flood
        chatters, recent = chattering(new.activations, now, flood.chatter_count,
                                      flood.chatter_window)
        new = new.replace(activations=recent, chattering=chatters)
        rows = []
        if chatters and not old.chattering:
            text = f"{len(recent)} activations within {flood.chatter_window}"
            rows.append(LogRow(now, alert.id, "problem", action="chattering", note=text))
            self.hub.bus.fire(EVENT_CHATTERING, {"alert_id": alert.id, "activations":
                                                 len(recent)})
            _LOGGER.warning("Alert %s is chattering: %s", alert.id, text)
        self.apply(alert, new, context, rows)

    def condition_off(self, alert: Alert, note: str, who: str = "hub",
                      context: Context | None = None) -> None:
        now = self.hub.clock.now()
        new = lifecycle.deactivate(alert.record, now, who, note, latched=alert.definition.latched)
        self.apply(alert, new, context)
        shelving = alert.record.shelving
        if shelving is not None and shelving.one_shot and not alert.record.active:
            self.apply(alert, lifecycle.unshelve(
                alert.record, now, "hub", "one-shot shelving ends as the alert clears",
                action="shelve_ended"), context)

    def update(self, alert: Alert, record: AlertRecord) -> None:
        self.apply(alert, record)

    def wake(self, alert: Alert) -> None:
        """Do whatever of this alert has fallen due."""
        now = self.hub.clock.now()
        record = alert.record
        suppression = record.suppression
        if suppression is not None and suppression.until is not None and suppression.until <= now:
            self.apply(alert, lifecycle.unsuppress(record, now, "hub", "out of service ended",
                                                   action="unsuppress_ended"))
        shelving = alert.record.shelving
        if shelving is not None and shelving.until <= now:
            self.apply(alert, lifecycle.unshelve(alert.record, now, "hub", "shelving ended",
                                                 action="shelve_ended"))
        record = alert.record
        if record.realarm_due is not None and record.realarm_due <= now:
            again = lifecycle.realarm(record, now)
            self.apply(alert, again if again is not record else record.replace(realarm_due=None))
        record = alert.record
        if record.active and not record.stale and record.since is not None \
                and record.since + self.stale_after() <= now:
            self._stale(alert, now)
        self.apply(alert, alert.record)

    def _stale(self, alert: Alert, now: datetime) -> None:
        since = alert.record.since
        text = f"active since {since.astimezone(self.hub.tz).isoformat(timespec='minutes')}" \
            if since else "active"
        self.hub.bus.fire(EVENT_STALE, {"alert_id": alert.id, "since": since})
        _LOGGER.warning("Alert %s is stale: %s", alert.id, text)
        self.apply(alert, alert.record.replace(stale=True),
                   rows=[LogRow(now, alert.id, "problem", action="stale", note=text)])

    # --- applying ----------------------------------------------------------------------------

    def apply(self, alert: Alert, new: AlertRecord, context: Context | None = None,
              rows: Sequence[LogRow] = ()) -> Transition | None:
        """Make `new` the alert's record: save, record, announce, show, and notify."""
        old = alert.record
        now = self.hub.clock.now()
        transition = None
        if new.last is not None and new.last is not old.last:
            last = new.last
            transition = Transition(alert.id, last.action, state_of(old), state_of(new),
                                    last.who, last.note, now)
        new = self._sync_escalation(alert, new, now)
        new, entries, more = self._run_due(alert, new, now)
        log = [*([self._row(alert, transition)] if transition else []), *rows, *more]
        if new == old and not entries and not log:
            return None
        alert.record = new
        items = [] if new.pristine else [PendingItem(RECORD, alert.id, to_payload(new))]
        if new.pristine and not old.pristine:
            self.durable.delete(RECORD, alert.id)
        self.show(alert, context)
        if transition is not None:
            self._announce(alert, transition, context)
        self.outbox.add(entries, also=items, rows=log)
        alert.schedule()
        return transition

    def show(self, alert: Alert, context: Context | None = None) -> None:
        """Write `alert.<id>`."""
        content = self.composer.content(alert.definition, alert.record, alert.value())
        attrs = entity.attributes(alert.definition, alert.record, content, self.hub.tz,
                                  alert.problem)
        self.hub.states.set(alert.definition.entity_id, entity.state(alert.record), attrs,
                            context)

    def _row(self, alert: Alert, t: Transition) -> LogRow:
        d = alert.definition
        return LogRow(t.at, alert.id, "transition", action=t.action, old_state=str(t.old),
                      new_state=str(t.new), who=t.who, note=t.note, severity=str(d.severity),
                      category=str(d.category))

    def _announce(self, alert: Alert, t: Transition, context: Context | None) -> None:
        d = alert.definition
        data: AlertTransitionData = {
            "alert_id": alert.id, "entity_id": d.entity_id, "action": t.action,
            "from": str(t.old), "to": str(t.new), "who": t.who, "note": t.note,
            "severity": str(d.severity), "category": str(d.category),
            "at": t.at.astimezone(self.hub.tz).isoformat(),
        }
        self.hub.bus.fire(EVENT_TRANSITION, data, context)
        _LOGGER.info("Alert %s: %s → %s (%s by %s%s)", alert.id, t.old, t.new, t.action, t.who,
                     f": {t.note}" if t.note else "")

    # --- escalation --------------------------------------------------------------------------

    def _sync_escalation(self, alert: Alert, record: AlertRecord, now: datetime) -> AlertRecord:
        """Start an escalation when someone must be told; end it when nobody must."""
        d = alert.definition
        if needs_attention(record):
            if record.escalation is None and (d.policy is not None or d.repeat):
                number = record.escalations + 1
                return record.replace(escalations=number, escalation=start(
                    now, d.repeat, d.policy is not None, number))
            return record
        if record.escalation is not None:
            return record.replace(escalation=None)
        return record

    def _run_due(self, alert: Alert, record: AlertRecord, now: datetime
                 ) -> tuple[AlertRecord, list[OutboxEntry], list[LogRow]]:
        esc = record.escalation
        if esc is None:
            return record, [], []
        d = alert.definition
        entries: list[OutboxEntry] = []
        rows: list[LogRow] = []
        notified = list(record.notified)
        policy = self.config.policies.get(d.policy) if d.policy else None
        if policy is not None:
            steps, esc = due_steps(policy, esc, now)
            for due in steps:
                why = f"escalation step {due.index + 1}" + \
                    (f" (round {due.round + 1})" if due.round else "")
                people = recipients(self.config, due.step.notify, now, self.hub.tz)
                made = self._notify(alert, record.replace(escalation=esc), people,
                                    reason=due.reason, why=why, now=now, rows=rows)
                entries += made
                notified += [p.person for p in people if p.person not in notified]
                rows.append(LogRow(now, alert.id, "escalation", action=why,
                                   note=", ".join(p.person for p in people) or "nobody",
                                   detail={"targets": list(due.step.notify)}))
                if due.step.call is not None:
                    self._call(alert, due.step.call, why)
        numbers, esc = due_reminders(d.repeat, esc, now)
        for number in numbers:
            people = [Recipient(p, "reminder") for p in notified]
            entries += self._notify(alert, record.replace(escalation=esc), people,
                                    reason=f"r{number}", why=f"reminder {number}", now=now,
                                    rows=rows)
        return record.replace(escalation=esc, notified=tuple(notified)), entries, rows

    def _notify(self, alert: Alert, record: AlertRecord, people: list[Recipient], *,
                reason: str, why: str, now: datetime, rows: list[LogRow]) -> list[OutboxEntry]:
        made, unreachable = self.composer.entries(
            alert.definition, record, alert.value(), recipients=people, reason=reason, why=why,
            now=now)
        if not people:
            rows.append(LogRow(now, alert.id, "problem", action=why,
                               note="nobody to notify (is anyone on call?)"))
            _LOGGER.error("Alert %s, %s: nobody to notify", alert.id, why)
        for person in unreachable:
            rows.append(LogRow(now, alert.id, "problem", action=why, recipient=person,
                               note=f"{person} has no contacts"))
            _LOGGER.error("Alert %s, %s: %s has no contacts to reach", alert.id, why, person)
        return made

    def _call(self, alert: Alert, action: ServiceAction, why: str) -> None:
        variables: dict[str, Any] = self.composer.variables(alert.definition, alert.record,
                                                            alert.value())
        domain, _, service = action.action.partition(".")
        context = Context(origin="local", user=f"alert {alert.id}")

        async def call() -> None:
            try:
                data = render_complex(action.data, variables, self.hub.templates)
                target = render_complex(action.target, variables, self.hub.templates) \
                    if action.target else None
                await self.hub.services.call(domain, service, data, target, context)
            except Exception as err:
                _LOGGER.error("Alert %s, %s: %s failed: %s", alert.id, why, action.action, err)
                await self.durable.log([LogRow(self.hub.clock.now(), alert.id, "problem",
                                               action=why, note=f"{action.action} failed: {err}")])

        self.hub.create_task(call(), name=f"alert {alert.id} {action.action}")
