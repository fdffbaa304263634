"""`alerts:` (each alert's state, as `states:` reads an entity) and `notifications:` (what was
sent since the previous expect, in the listed order, as subsets), and `no_notifications:`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kozani_hub.core.events import Event

from ..matching import match
from ..model import Where
from ..render import clock_time, flow
from .base import Failure, Observation, fail, item_where, key_where, unknown_key, where_of
from .states import StatesExpectation, parse_expected_state

EVENT_NOTIFICATION = "alert_notification"
NOTIFICATION_KEYS = ("target", "alert", "title", "contains", "severity", "category", "channel")


def _entity(alert_id: Any) -> Any:
    if isinstance(alert_id, str) and not alert_id.startswith("alert."):
        return f"alert.{alert_id}"
    return alert_id


@dataclass(frozen=True, slots=True)
class AlertsExpectation:
    """Each listed alert is in the listed state (`active`, `acknowledged`, ...), with at least
    the listed attributes."""

    where: Where
    states: StatesExpectation
    key: str = "alerts"

    @classmethod
    def parse(cls, value: Any, where: Where) -> AlertsExpectation:
        if not isinstance(value, Mapping) or not value:
            fail(where, f"'alerts' maps alert ids to their expected states, got {value!r}")
        expected = tuple(
            parse_expected_state(_entity(alert_id), state, key_where(value, alert_id, where))
            for alert_id, state in value.items()
        )
        return cls(where, StatesExpectation(where, expected, key="alerts"))

    def check(self, seen: Observation) -> Failure | None:
        return self.states.check(seen)


@dataclass(frozen=True, slots=True)
class ExpectedNotification:
    where: Where
    pattern: Mapping[str, Any]

    def text(self) -> str:
        return flow(dict(self.pattern))

    def differences(self, data: Mapping[str, Any]) -> list[str]:
        """Why a sent notification is not this one (empty when it is)."""
        found: list[str] = []
        want = self.pattern
        target = want.get("target")
        if target is not None and str(target) not in _targets(data):
            found.append(f"target: expected {target!r} among {', '.join(_targets(data))}")
        alert = want.get("alert")
        if alert is not None and str(alert).removeprefix("alert.") not in data.get("alerts", ()):
            found.append(f"alert: expected {alert!r}, got {', '.join(data.get('alerts', ()))}")
        contains = want.get("contains")
        text = f"{data.get('title', '')}\n{data.get('body', '')}"
        if contains is not None and str(contains) not in text:
            found.append(f"contains: {contains!r} is not in the title or the message")
        for key in ("title", "severity", "category", "channel"):
            if key in want:
                found.extend(str(m) for m in match(want[key], data.get(key), key))
        return found


def _targets(data: Mapping[str, Any]) -> list[str]:
    """Everything a notification can be expected by: the person, the channel, the group or
    rota that named the person (with and without its `group.` prefix)."""
    names = [str(data.get("recipient")), str(data.get("channel"))]
    for via in data.get("via", ()):
        names += [str(via), str(via).partition(".")[2] or str(via)]
    return list(dict.fromkeys(names))


def parse_notification(value: Any, where: Where) -> ExpectedNotification:
    if isinstance(value, str):
        value = {"target": value}
    if not isinstance(value, Mapping):
        fail(where, f"an expected notification is a mapping such as {{target: maria}}, got "
             f"{value!r}")
    for key in value:
        if key not in NOTIFICATION_KEYS:
            fail(key_where(value, key, where),
                 unknown_key(str(key), NOTIFICATION_KEYS, "an expected notification"))
    return ExpectedNotification(where, dict(value))


def _sent(seen: Observation) -> list[Event]:
    return [e for e in seen.events if e.event_type == EVENT_NOTIFICATION]


def describe(sent: Sequence[Event], seen: Observation) -> str:
    if not sent:
        return "no notifications"
    lines = []
    for n, event in enumerate(sent, 1):
        d = event.data
        via = f" (via {', '.join(d.get('via', ()))})" if d.get("via") else ""
        lines.append(f"{n}. {clock_time(event.time_fired, seen.hub.tz)}  {d.get('recipient')}"
                     f"{via} on {d.get('channel')}: [{d.get('severity')}] {d.get('title')}")
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class NotificationsExpectation:
    """Each listed notification was sent since the previous expect, in the listed order."""

    where: Where
    expected: tuple[ExpectedNotification, ...]
    key: str = "notifications"

    @classmethod
    def parse(cls, value: Any, where: Where) -> NotificationsExpectation:
        if not isinstance(value, list) or not value:
            fail(where, f"'notifications' is a list of expected notifications, got {value!r}")
        return cls(where, tuple(parse_notification(item, item_where(value, i, where))
                                for i, item in enumerate(value)))

    def check(self, seen: Observation) -> Failure | None:
        sent = _sent(seen)
        position = 0
        for index, want in enumerate(self.expected):
            found = next((i for i in range(position, len(sent))
                          if not want.differences(sent[i].data)), None)
            if found is None:
                return Failure(
                    summary=f"notification {index + 1} of {len(self.expected)} was not sent: "
                            f"{want.text()}",
                    expected="\n".join(f"{n}. {e.text()}"
                                       for n, e in enumerate(self.expected, 1)),
                    happened=describe(sent, seen),
                    differences=_closest(want, sent),
                )
            position = found + 1
        return None


def _closest(want: ExpectedNotification, sent: Sequence[Event]) -> tuple[str, ...]:
    best: list[str] | None = None
    for event in sent:
        found = want.differences(event.data)
        if best is None or len(found) < len(best):
            best = found
    return tuple(f"closest notification: {d}" for d in best or ())


@dataclass(frozen=True, slots=True)
class NoNotificationsExpectation:
    """`no_notifications: true`: nothing was sent since the previous expect; a list names the
    notifications that must not have been sent."""

    where: Where
    forbidden: tuple[ExpectedNotification, ...] | None
    key: str = "no_notifications"

    @classmethod
    def parse(cls, value: Any, where: Where) -> NoNotificationsExpectation:
        if value is True:
            return cls(where, None)
        if isinstance(value, list) and value:
            return cls(where, tuple(parse_notification(item, item_where(value, i, where))
                                    for i, item in enumerate(value)))
        fail(where_of(value, where), "'no_notifications' is true, or a list of notifications "
             f"that must not be sent; got {value!r}")

    def check(self, seen: Observation) -> Failure | None:
        sent = _sent(seen)
        if self.forbidden is not None:
            sent = [e for e in sent if any(not f.differences(e.data) for f in self.forbidden)]
        if not sent:
            return None
        expected = "no notifications" if self.forbidden is None else \
            "none of:\n" + "\n".join(f"- {f.text()}" for f in self.forbidden)
        return Failure(f"{len(sent)} notification(s) were sent that the scenario says must not "
                       "be", expected, describe(sent, seen))
