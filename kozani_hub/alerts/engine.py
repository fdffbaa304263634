"""The alert engine: a hub component that watches every definition, keeps each alert's
lifecycle, escalates, and sends through the durable outbox (see the package docstring)."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from kozani_hub.config.messages import suggest
from kozani_hub.core.context import Context
from kozani_hub.core.scheduler import Job

from . import lifecycle
from .ack import AckTokens
from .alert import Alert
from .compose import Composer
from .conditions import watch_for
from .config import AlertsConfig
from .definition import Definition
from .errors import AlertError
from .lifecycle import AlertState, LifecycleError, Transition, state_of
from .machine import Machine
from .notifiers import NOTIFIER_TYPES, Message, Notifier
from .outbox import Outbox
from .record import AlertRecord, from_payload
from .recording import RecordingNotifier
from .services import register
from .store import OUTBOX, RECORD, Durable, MemoryDurable, durable_for

if TYPE_CHECKING:
    from kozani_hub.http import HttpServer
    from kozani_hub.hub import Hub
    from kozani_hub.recorder import PendingItem, RestoreStore

_LOGGER = logging.getLogger("kozani_hub.alerts")
EVENT_DELIVERY_FAILED = "alert_delivery_failed"


class _TokenStore:
    """The acknowledgement tokens' store: the engine's durable store, once it has one."""

    def __init__(self, engine: AlertEngine) -> None:
        self._engine = engine

    def put(self, kind: str, key: str, payload: Mapping[str, Any],
            due: datetime | None = None) -> Awaitable[None]:
        return self._engine.durable.put(kind, key, payload, due)

    def delete(self, kind: str, key: str) -> Awaitable[None]:
        return self._engine.durable.delete(kind, key)

    def items(self, kind: str) -> Awaitable[list[PendingItem]]:
        return self._engine.durable.items(kind)


class AlertEngine:
    """Every alert of the configuration, as the component `alerts`."""

    name = "alerts"

    def __init__(
        self, hub: Hub, config: AlertsConfig, *, definitions: Sequence[Definition] = (),
        record_notifications: bool = False, link_secret: bytes | None = None,
        notifiers: Mapping[str, Notifier] | None = None,
    ) -> None:
        self.hub = hub
        self.config = config
        self.definitions: tuple[Definition, ...] = (*config.definitions, *definitions)
        self.recording = record_notifications
        self.alerts: dict[str, Alert] = {}
        self.notifiers: dict[str, Notifier] = dict(notifiers or {})
        self._given_notifiers = notifiers is not None
        self.durable: Durable = MemoryDurable()
        self._secret = link_secret or _secret(config)
        self.ack: AckTokens | None = None
        if config.base_url is not None:
            self.ack = self._tokens()
        self.composer = Composer(hub, config, self.ack)
        self.outbox = Outbox(hub, self.durable, {}, config, self._delivery_failed)
        self.machine = Machine(hub, config, self.composer, self.durable, self.outbox)
        # Registered now, so that rules (which start first) know the services they call.
        self._undo: list[Callable[[], None]] = register(self)
        self._purge: Job | None = None
        self.problems: list[str] = []

    def _tokens(self) -> AckTokens:
        store = cast("RestoreStore", _TokenStore(self))
        return AckTokens(self.hub, store, self._secret, self.config.ack_lifetime,
                         base_url=self.config.base_url)

    def install_http(self, server: HttpServer) -> None:
        """Serve acknowledgement links (`/ack/{token}`) on the hub's HTTP server."""
        if self.ack is None:
            self.ack = self._tokens()
            self.composer.ack = self.ack
        self.ack.install(server, self._link_acknowledged)

    # --- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        """Take back what the last run saved, watch every definition, start sending."""
        self.durable = durable_for(self.hub)
        if not self._given_notifiers:
            self.notifiers = self._make_notifiers()
        self.outbox = Outbox(self.hub, self.durable, self.notifiers, self.config,
                             self._delivery_failed)
        self.machine = Machine(self.hub, self.config, self.composer, self.durable, self.outbox)
        records = await self._restore()
        for definition in self.definitions:
            watch = watch_for(self.hub, definition.id, definition.condition) \
                if definition.condition is not None else None
            record = records.pop(definition.id, None) or AlertRecord(definition.id)
            self.alerts[definition.id] = Alert(self.hub, self.machine, definition, record, watch)
        for alert_id in records:
            self.problems.append(f"alert {alert_id} is no longer defined; its saved state is "
                                 "dropped (its pending notifications are still sent)")
            self.durable.delete(RECORD, alert_id)
        for problem in self.problems:
            _LOGGER.warning("%s", problem)
        if not self._undo:
            self._undo = register(self)
        for alert in self.alerts.values():
            self.machine.show(alert)
            alert.start()
        self.outbox.start()
        self._purge = self.hub.scheduler.cron_fields(self._purge_log, name="alert log purge",
                                                     hour=4, minute=27, second=0)
        _LOGGER.info("%d alert(s) watched, %d notification(s) waiting to be sent",
                     len(self.alerts), len(self.outbox.entries))

    async def _restore(self) -> dict[str, AlertRecord]:
        records: dict[str, AlertRecord] = {}
        for item in await self.durable.items(RECORD):
            try:
                records[item.key] = from_payload(item.payload)
            except (TypeError, ValueError) as err:
                self.problems.append(f"saved alert {item.key} cannot be read ({err}); it starts "
                                     "normal")
        self.problems.extend(self.outbox.restore(await self.durable.items(OUTBOX)))
        return records

    def _make_notifiers(self) -> dict[str, Notifier]:
        made: dict[str, Notifier] = {}
        for name, config in self.config.notifiers.items():
            if self.recording:
                made[name] = RecordingNotifier(name)
                continue
            kind = getattr(config, "type", None)
            try:
                made[name] = NOTIFIER_TYPES[str(kind)][1](name, config, self.hub)
            except Exception as err:
                self.problems.append(f"notifier {name} could not be set up: {err}")
        return made

    async def stop(self) -> None:
        """Stop watching and sending; everything pending stays saved."""
        if self._purge is not None:
            self._purge.cancel()
            self._purge = None
        for alert in self.alerts.values():
            alert.stop()
        await self.outbox.stop()
        for notifier in self.notifiers.values():
            try:
                await notifier.close()
            except Exception:
                _LOGGER.exception("Closing notifier %s failed", notifier.name)
        undo, self._undo = self._undo, []
        for step in reversed(undo):
            step()

    async def idle(self) -> None:
        """Wait until no notification is being sent."""
        await self.outbox.idle()

    def _purge_log(self) -> None:
        before = self.hub.clock.now() - timedelta(days=self.config.log_keep_days)
        self.durable.purge_log(before)

    # --- actions -------------------------------------------------------------------------------

    def get(self, alert_id: str) -> Alert:
        """The alert `alert_id` (or `alert.<id>`); AlertError when there is none."""
        key = alert_id.removeprefix("alert.")
        found = self.alerts.get(key)
        if found is None:
            raise AlertError(f"no alert {key!r}{suggest(key, self.alerts)}")
        return found

    def state(self, alert_id: str) -> AlertState:
        return state_of(self.get(alert_id).record)

    def _change(self, alert: Alert, fn: Callable[[], AlertRecord],
                context: Context | None) -> Transition | None:
        try:
            new = fn()
        except LifecycleError as err:
            raise AlertError(str(err)) from None
        return self.machine.apply(alert, new, context)

    def raise_alert(self, alert_id: str, *, who: str, note: str = "",
                    overrides: Mapping[str, Any] | None = None,
                    context: Context | None = None) -> Transition | None:
        """Raise the alert by hand (a rule's alert.raise): active at once, no on-delay."""
        alert = self.get(alert_id)
        record = alert.record.replace(manual=True, overrides=dict(overrides or {}))
        if alert.record.active:
            self.machine.apply(alert, record, context)
            return None
        alert.record = record
        self.machine.condition_on(alert, note or "raised", who, context)
        return None

    def clear(self, alert_id: str, *, who: str, note: str = "",
              context: Context | None = None) -> None:
        """End a raise by hand; the alert returns unless its own condition still holds."""
        alert = self.get(alert_id)
        alert.record = alert.record.replace(manual=False)
        if alert.raw:
            self.machine.apply(alert, alert.record, context)
            return
        self.machine.condition_off(alert, note or "cleared", who, context)

    def acknowledge(self, alert_id: str, *, who: str, note: str = "",
                    context: Context | None = None) -> Transition | None:
        alert = self.get(alert_id)
        now = self.hub.clock.now()
        return self._change(alert, lambda: lifecycle.acknowledge(
            alert.record, now, who, note, alert.definition.realarm), context)

    def reset(self, alert_id: str, *, who: str, note: str = "",
              context: Context | None = None) -> Transition | None:
        alert = self.get(alert_id)
        now = self.hub.clock.now()
        return self._change(alert, lambda: lifecycle.reset(alert.record, now, who, note), context)

    def shelve(self, alert_id: str, *, who: str, reason: str, duration: timedelta,
               one_shot: bool = False, context: Context | None = None) -> Transition | None:
        """Hide the alert for `duration` (at most the definition's or the section's maximum)."""
        alert = self.get(alert_id)
        longest = alert.definition.shelve_max or self.config.shelve_max
        if duration > longest:
            raise AlertError(f"alert {alert.id} may be shelved for at most {longest}, not "
                             f"{duration}")
        if duration <= timedelta(0):
            raise AlertError("a shelving needs a duration longer than zero")
        if not reason.strip():
            raise AlertError("a shelving needs a reason")
        now = self.hub.clock.now()
        return self._change(alert, lambda: lifecycle.shelve(
            alert.record, now, who, reason, until=now + duration, one_shot=one_shot), context)

    def unshelve(self, alert_id: str, *, who: str, note: str = "",
                 context: Context | None = None) -> Transition | None:
        alert = self.get(alert_id)
        now = self.hub.clock.now()
        return self._change(alert, lambda: lifecycle.unshelve(alert.record, now, who, note),
                            context)

    def suppress(self, alert_id: str, *, who: str, note: str = "",
                 duration: timedelta | None = None,
                 context: Context | None = None) -> Transition | None:
        alert = self.get(alert_id)
        now = self.hub.clock.now()
        until = now + duration if duration is not None else None
        return self._change(alert, lambda: lifecycle.suppress(alert.record, now, who, note,
                                                              until), context)

    def unsuppress(self, alert_id: str, *, who: str, note: str = "",
                   context: Context | None = None) -> Transition | None:
        alert = self.get(alert_id)
        now = self.hub.clock.now()
        return self._change(alert, lambda: lifecycle.unsuppress(alert.record, now, who, note),
                            context)

    # --- callbacks -----------------------------------------------------------------------------

    async def _link_acknowledged(self, alert_id: str, person: str) -> str:
        found = self.config.people.get(person)
        name = found.name if found is not None and found.name else person
        try:
            self.acknowledge(alert_id, who=person, note="from the link in the notification",
                             context=Context(origin="api", user=person))
        except AlertError as err:
            return str(err)
        await self.idle_saved()
        return f"Thank you, {name}: the alert is acknowledged and its escalation stopped."

    async def idle_saved(self) -> None:
        """Wait until what was saved so far is on disk."""
        await self.durable.log([])

    def _delivery_failed(self, message: Message, reason: str) -> None:
        self.hub.bus.fire(EVENT_DELIVERY_FAILED, {
            "key": message.key, "alert_id": message.alert_id, "recipient": message.recipient,
            "channel": message.channel, "error": reason,
        })
        alert = self.alerts.get(message.alert_id)
        if alert is not None:
            alert.problem = f"{message.recipient} on {message.channel}: {reason}"
            self.machine.show(alert)


def _secret(config: AlertsConfig) -> bytes:
    """The key of acknowledgement links: configured, else random for this run."""
    if config.ack_secret is not None:
        return hashlib.sha256(config.ack_secret.get_secret_value().encode()).digest()
    return secrets.token_bytes(32)
