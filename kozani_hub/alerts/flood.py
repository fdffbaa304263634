"""Flood and fatigue control: notifications combined by group key, a rate limit per person with
a summary of what it held back, and the chattering check."""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from .entry import OutboxEntry
from .fields import SEVERITY_RANK, Severity
from .notifiers import Message

MAX_LISTED = 20


def rank(severity: str) -> int:
    """0 for critical ... 3 for low (anything else after them)."""
    return SEVERITY_RANK.get(Severity(severity), 9) if severity in set(Severity) else 9


def most_severe(severities: Iterable[str]) -> str:
    return min(severities, key=rank)


def _rank(entry: OutboxEntry) -> tuple[int, datetime, str]:
    return rank(entry.message.severity), entry.created, entry.key


def batch_key(members: Sequence[OutboxEntry], kind: str) -> str:
    """The idempotency key of a combined message: the same for the same entries."""
    joined = "|".join(sorted(m.key for m in members))
    return f"{kind}:{hashlib.sha256(joined.encode()).hexdigest()[:24]}"


def combine(members: Sequence[OutboxEntry], key: str, kind: str) -> Message:
    """One message for several entries to one person on one channel; the most severe first."""
    ordered = sorted(members, key=_rank)
    if len(ordered) == 1 and ordered[0].key == key:
        return ordered[0].message
    first = ordered[0].message
    alerts = list(dict.fromkeys(m.message.alert_id for m in ordered))
    if kind == "held":
        title = f"{len(ordered)} notifications held back: {first.title}"
        lead = (f"{len(ordered)} notifications for you were held back by the rate limit "
                f"({len(alerts)} alert(s)):")
    else:
        title = f"{len(alerts)} alerts: {first.title}" if len(alerts) > 1 else first.title
        lead = f"{len(ordered)} notifications grouped ({ordered[0].group}):"
    lines = [lead]
    for entry in ordered[:MAX_LISTED]:
        message = entry.message
        link = f" — acknowledge: {message.ack_url}" if message.ack_url else ""
        lines.append(f"- [{message.severity}] {message.title}: {message.body}{link}")
    if len(ordered) > MAX_LISTED:
        lines.append(f"... and {len(ordered) - MAX_LISTED} more")
    return Message(
        key=key, alert_id=first.alert_id, recipient=first.recipient, channel=first.channel,
        address=first.address, title=title, body="\n".join(lines), severity=first.severity,
        category=first.category, ack_url=first.ack_url,
        data={"combined": kind, "alerts": alerts, "keys": [m.key for m in ordered],
              "count": len(ordered)},
    )


class RateLimiter:
    """At most `limit` notifications per person within any `period` (exempt severities aside)."""

    def __init__(self, limit: int, period: timedelta, exempt: Sequence[str]) -> None:
        self.limit = limit
        self.period = period
        self.exempt = frozenset(exempt)
        self._sent: dict[str, deque[datetime]] = {}

    def _recent(self, person: str, now: datetime) -> deque[datetime]:
        sent = self._sent.setdefault(person, deque())
        while sent and sent[0] <= now - self.period:
            sent.popleft()
        return sent

    def allows(self, person: str, severity: str, now: datetime) -> bool:
        return severity in self.exempt or len(self._recent(person, now)) < self.limit

    def count(self, person: str, now: datetime) -> None:
        self._recent(person, now).append(now)

    def free_at(self, person: str, now: datetime) -> datetime:
        """When the next notification to `person` may go out."""
        sent = self._recent(person, now)
        return sent[0] + self.period if len(sent) >= self.limit else now


def chattering(activations: Sequence[datetime], now: datetime, count: int,
               window: timedelta) -> tuple[bool, tuple[datetime, ...]]:
    """Whether `count` or more activations fell within `window` up to now; the recent ones."""
    recent = tuple(a for a in activations if a > now - window)
    return len(recent) >= count, recent
