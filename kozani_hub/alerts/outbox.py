"""The durable outbox: every notification is saved before it is sent and stays saved until its
notifier accepts it; it is tried again with exponential backoff on the hub's clock, and after a
restart it is sent again (with the same idempotency key, so a receiver can drop a duplicate)."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kozani_hub.core.clock import Timer
from kozani_hub.recorder import PendingItem

from .config import AlertsConfig
from .entry import OutboxEntry, from_payload, to_payload
from .flood import RateLimiter, batch_key, combine, most_severe
from .journal import LogRow
from .notifiers import DeliveryError, Message, Notifier
from .store import OUTBOX, Durable

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.alerts")
EVENT_NOTIFICATION = "alert_notification"
STOP_GRACE = 5.0
"""Seconds a stopping hub gives the sends under way (the process's time, not the hub's)."""
Batch = tuple[str, str, list[OutboxEntry]]
"""(message key, kind: "single" | "group" | "held" | "batch", entries)."""


def item(entry: OutboxEntry) -> PendingItem:
    return PendingItem(OUTBOX, entry.key, to_payload(entry), entry.ready_at())


def _done() -> asyncio.Future[None]:
    future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
    future.set_result(None)
    return future


def backoff(attempts: int, first: timedelta, factor: float, longest: timedelta) -> timedelta:
    """The wait after the `attempts`-th failed try: first, first·factor, ... at most longest."""
    seconds = first.total_seconds() * factor ** max(0, attempts - 1)
    return min(timedelta(seconds=seconds), longest)


class Outbox:
    """Saved notifications and their delivery (see the module docstring)."""

    def __init__(
        self, hub: Hub, durable: Durable, notifiers: Mapping[str, Notifier],
        config: AlertsConfig, on_failed: Callable[[Message, str], None],
    ) -> None:
        self._hub = hub
        self._durable = durable
        self.notifiers = notifiers
        self._config = config
        self._on_failed = on_failed
        flood = config.flood
        self._limiter = RateLimiter(flood.rate_limit, flood.rate_period, flood.rate_exempt)
        self.entries: dict[str, OutboxEntry] = {}
        self._inflight: set[str] = set()
        self._timer: Timer | None = None
        self._soon: asyncio.Handle | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.running = False

    # --- entries in -----------------------------------------------------------------------

    def restore(self, items: Iterable[PendingItem]) -> list[str]:
        """Take back the entries saved before a restart; return what could not be read."""
        problems = []
        for saved in items:
            try:
                entry = from_payload(saved.payload)
            except (KeyError, TypeError, ValueError) as err:
                problems.append(f"saved notification {saved.key} cannot be read ({err}); "
                                "dropped")
                continue
            self.entries[entry.key] = entry
        return problems

    def add(self, entries: Sequence[OutboxEntry], also: Sequence[PendingItem] = (),
            rows: Sequence[LogRow] = ()) -> Awaitable[None]:
        """Save entries (with `also`, in the same transaction) and the history rows, then
        send what is due. Returns the awaitable of the save."""
        now = self._hub.clock.now()
        placed = []
        for given in entries:
            entry = self._unique(given)
            placed.append(self._place(entry, now))
            self.entries[entry.key] = placed[-1]
        to_save = [*also, *(item(e) for e in placed)]
        saved = self._durable.put_many(to_save) if to_save else _done()
        queued = [LogRow(now, e.message.alert_id, "queued", key=e.key,
                         recipient=e.message.recipient, channel=e.message.channel,
                         severity=e.message.severity, category=e.message.category,
                         note=e.reason) for e in placed]
        if rows or queued:
            self._durable.log([*rows, *queued])
        self.pump()
        return saved

    def _unique(self, entry: OutboxEntry) -> OutboxEntry:
        """The entry, its key changed if a notification still waiting has that key (two
        decisions must never be taken for one, or one of them would be lost)."""
        key, n = entry.key, 1
        while key in self.entries or key in self._inflight:
            n += 1
            key = f"{entry.key}+{n}"
        if key == entry.key:
            return entry
        _LOGGER.warning("Notification key %s is taken by one still waiting; using %s",
                        entry.key, key)
        return entry.replace(message=dataclasses.replace(entry.message, key=key))

    def _place(self, entry: OutboxEntry, now: datetime) -> OutboxEntry:
        """Hold a grouped entry until its group's window ends (critical ones go at once)."""
        if entry.group is None or entry.message.severity == "critical":
            return entry.replace(group=None)
        for other in self.entries.values():
            same = (other.group, other.message.recipient, other.message.channel) == \
                (entry.group, entry.message.recipient, entry.message.channel)
            if same and other.batch is None and other.hold_until and other.hold_until > now:
                return entry.replace(hold_until=other.hold_until)
        return entry.replace(hold_until=now + self._config.flood.group_window)

    # --- sending --------------------------------------------------------------------------

    def pump(self) -> None:
        """Send every entry that is due, combined where it must be; wait for the next one."""
        self._soon = None
        if not self.running:
            return
        now = self._hub.clock.now()
        ready = [e for k, e in self.entries.items()
                 if k not in self._inflight and e.ready_at() <= now]
        for key, kind, members in self._batches(ready, now):
            self._dispatch(key, kind, members, now)
        self._arm()

    def _batches(self, ready: list[OutboxEntry], now: datetime) -> list[Batch]:
        out: list[Batch] = []
        by: dict[tuple[str, ...], list[OutboxEntry]] = {}
        for entry in ready:
            m = entry.message
            if entry.batch is not None:
                by.setdefault(("batch", entry.batch), []).append(entry)
            elif entry.attempts:
                out.append((entry.key, "single", [entry]))
            elif entry.held:
                by.setdefault(("held", m.recipient, m.channel), []).append(entry)
            elif entry.group is not None:
                by.setdefault(("group", entry.group, m.recipient, m.channel), []).append(entry)
            else:
                by.setdefault(("single", entry.key), []).append(entry)
        for group_key, members in by.items():
            kind = group_key[0]
            if kind == "batch":
                out.append((group_key[1], "batch", members))
                continue
            if not self._allowed(members, now):
                continue
            key = members[0].key if kind == "single" else batch_key(members, kind)
            batch = members
            if kind != "single":
                batch = [m.replace(batch=key) for m in members]
                self._save(batch)
            out.append((key, kind, batch))
        return out

    def _allowed(self, members: list[OutboxEntry], now: datetime) -> bool:
        """Count a new message against its person's rate limit, or hold it back."""
        message = members[0].message
        person = message.recipient
        severity = most_severe(m.message.severity for m in members)
        if self._limiter.allows(person, severity, now):
            self._limiter.count(person, now)
            return True
        free = self._limiter.free_at(person, now)
        held = [m.replace(held=True, next_try=free, hold_until=None, group=None)
                for m in members]
        self._save(held)
        return False

    def _save(self, entries: Sequence[OutboxEntry]) -> None:
        for entry in entries:
            self.entries[entry.key] = entry
        self._durable.put_many([item(e) for e in entries])

    def _dispatch(self, key: str, kind: str, members: list[OutboxEntry], now: datetime) -> None:
        message = combine(members, key, kind)
        attempt = max(m.attempts for m in members) + 1
        self._inflight.update(m.key for m in members)
        via = sorted({v for m in members for v in m.via})
        self._hub.bus.fire(EVENT_NOTIFICATION, {
            "key": message.key, "alert_id": message.alert_id,
            "alerts": sorted({m.message.alert_id for m in members}),
            "recipient": message.recipient, "via": via, "channel": message.channel,
            "address": message.address, "title": message.title, "body": message.body,
            "severity": message.severity, "category": message.category,
            "ack_url": message.ack_url, "attempt": attempt, "combined": kind,
            "reasons": sorted({m.reason for m in members}),
        })
        written = self._durable.log([self._row(now, message, "attempt", note=f"try {attempt}")])
        task = self._hub.create_task(self._send(written, message, members),
                                     name=f"alert notification {message.key}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _row(self, now: datetime, message: Message, kind: str, **extra: Any) -> LogRow:
        return LogRow(now, message.alert_id, kind, key=message.key, recipient=message.recipient,
                      channel=message.channel, severity=message.severity,
                      category=message.category, **extra)

    async def _send(self, written: Awaitable[None], message: Message,
                    members: list[OutboxEntry]) -> None:
        try:
            try:
                await written
            except Exception:
                _LOGGER.exception("Could not record the attempt to send %s; sending anyway",
                                  message.key)
            error = await self._deliver(message)
        except asyncio.CancelledError:
            self._inflight.difference_update(m.key for m in members)
            raise
        now = self._hub.clock.now()
        self._inflight.difference_update(m.key for m in members)
        try:
            if error is None:
                self._delivered(now, message, members)
            else:
                self._failed(now, message, members, *error)
        except RuntimeError as err:  # the recorder stopped under us (the hub is going down)
            _LOGGER.warning("Could not record the outcome of %s (%s); it is sent again at the "
                            "next start", message.key, err)
        self._arm()

    async def _deliver(self, message: Message) -> tuple[str, bool] | None:
        notifier = self.notifiers.get(message.channel)
        if notifier is None:
            return f"no notifier named {message.channel!r} is configured", False
        try:
            await notifier.send(message)
        except DeliveryError as err:
            return str(err), err.retryable
        except Exception as err:
            _LOGGER.exception("Notifier %s failed on %s", message.channel, message.key)
            return f"{type(err).__name__}: {err}", True
        return None

    def _delivered(self, now: datetime, message: Message, members: list[OutboxEntry]) -> None:
        for member in members:
            self.entries.pop(member.key, None)
            self._durable.delete(OUTBOX, member.key)
        self._durable.log([self._row(now, message, "delivered")])

    def _failed(self, now: datetime, message: Message, members: list[OutboxEntry],
                reason: str, retryable: bool) -> None:
        attempts = max(m.attempts for m in members) + 1
        if not retryable:
            for member in members:
                self.entries.pop(member.key, None)
                self._durable.delete(OUTBOX, member.key)
            self._durable.log([self._row(now, message, "failed", note=reason)])
            _LOGGER.error("Notification %s to %s on %s failed for good: %s", message.key,
                          message.recipient, message.channel, reason)
            self._on_failed(message, reason)
            return
        retry = self._config.retry
        when = now + backoff(attempts, retry.first, retry.factor, retry.longest)
        self._save([m.replace(attempts=attempts, next_try=when, hold_until=None)
                    for m in members])
        self._durable.log([self._row(now, message, "retry", note=reason,
                                     detail={"attempts": attempts, "next_try": when})])
        _LOGGER.warning("Notification %s to %s on %s failed (%s); trying again at %s",
                        message.key, message.recipient, message.channel, reason,
                        when.astimezone(self._hub.tz).isoformat(timespec="seconds"))

    # --- timing ---------------------------------------------------------------------------

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if not self.running:
            return
        waiting = [e.ready_at() for k, e in self.entries.items() if k not in self._inflight]
        if not waiting:
            return
        when = min(waiting)
        if when <= self._hub.clock.now():
            if self._soon is None:
                self._soon = asyncio.get_running_loop().call_soon(self.pump)
            return
        self._timer = self._hub.clock.call_at(when, self.pump)

    def start(self) -> None:
        self.running = True
        self._arm()

    async def stop(self) -> None:
        """Stop sending; what is not delivered stays saved for the next start."""
        self.running = False
        for handle in (self._timer, self._soon):
            if handle is not None:
                handle.cancel()
        self._timer, self._soon = None, None
        tasks = list(self._tasks)
        if tasks:
            # Sends under way may finish (so they are not sent again at the next start).
            await asyncio.wait(tasks, timeout=STOP_GRACE)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def idle(self) -> None:
        """Wait until no send is under way (tests and an orderly stop use this)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
