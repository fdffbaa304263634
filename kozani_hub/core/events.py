"""The event bus: typed events, listeners by event type, every listen returns its unsubscribe."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final

from .context import Context

_LOGGER = logging.getLogger(__name__)

MATCH_ALL: Final = "*"
EVENT_STATE_CHANGED: Final = "state_changed"
EVENT_SERVICE_CALLED: Final = "call_service"
EVENT_HUB_STARTED: Final = "hub_started"
EVENT_HUB_STOP: Final = "hub_stop"

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened: a type, its data, when, and the context that caused it."""

    event_type: str
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    time_fired: datetime | None = None
    context: Context = field(default_factory=Context)

    def __init__(
        self,
        event_type: str,
        data: Mapping[str, Any] = _EMPTY,
        time_fired: datetime | None = None,
        context: Context | None = None,
    ) -> None:
        # The slots' own setters, twice as fast as a frozen dataclass's object.__setattr__:
        # every state change makes an Event.
        _set_event_type(self, event_type)
        _set_data(self, data)
        _set_time_fired(self, time_fired)
        _set_context(self, context if context is not None else Context())

    def as_dict(self) -> dict[str, Any]:
        return {
            "event_type": self.event_type,
            "data": dict(self.data),
            "time_fired": self.time_fired.isoformat() if self.time_fired else None,
            "context": self.context.as_dict(),
        }


_set_event_type = Event.__dict__["event_type"].__set__
_set_data = Event.__dict__["data"].__set__
_set_time_fired = Event.__dict__["time_fired"].__set__
_set_context = Event.__dict__["context"].__set__


class _EventSlots:
    """An Event's fields as plain slots: see `build_event`."""

    __slots__ = Event.__slots__


def build_event(
    event_type: str, data: Mapping[str, Any], time_fired: datetime | None, context: Context
) -> Event:
    """`Event(event_type, data, time_fired, context)`, built three times faster, as
    `build_context` builds a Context: every state change makes an Event."""
    new: Any = _EventSlots()
    new.event_type = event_type
    new.data = data
    new.time_fired = time_fired
    new.context = context
    new.__class__ = Event
    event: Event = new
    return event


Listener = Callable[[Event], None]
Unsubscribe = Callable[[], None]


class EventBus:
    """Delivers events synchronously to listeners registered for their type (or for all).

    Listeners are plain callables run in the order they registered; one that raises is
    logged and the others still run. A listener that needs to await schedules a task itself.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._listeners: dict[str, list[Listener]] = {}

    def listen(self, event_type: str, listener: Listener) -> Unsubscribe:
        """Call `listener` for every event of `event_type` (or MATCH_ALL). Returns the unsubscribe."""
        self._listeners.setdefault(event_type, []).append(listener)

        def unsubscribe() -> None:
            listeners = self._listeners.get(event_type)
            if listeners is not None and listener in listeners:
                listeners.remove(listener)

        return unsubscribe

    def listen_once(self, event_type: str, listener: Listener) -> Unsubscribe:
        """Like listen, for the next matching event only."""

        def once(event: Event) -> None:
            unsubscribe()
            listener(event)

        unsubscribe = self.listen(event_type, once)
        return unsubscribe

    def fire(
        self, event_type: str, data: Mapping[str, Any] | None = None, context: Context | None = None
    ) -> Event:
        """Build an event and deliver it to its listeners. Returns the event."""
        event = Event(
            event_type, data if data is not None else _EMPTY, self._now(), context or Context()
        )
        self.deliver(event)
        return event

    def deliver(self, event: Event) -> None:
        """Deliver an already built event."""
        listeners = self._listeners
        typed = listeners.get(event.event_type)
        every = listeners.get(MATCH_ALL)
        if typed:
            _notify(typed, event)
        if every:
            _notify(every, event)

    def wants(self, event_type: str) -> bool:
        """Whether an event of `event_type` would reach a listener: a caller can skip building
        an event nobody hears."""
        listeners = self._listeners
        return bool(listeners.get(event_type) or listeners.get(MATCH_ALL))

    def listener_count(self, event_type: str | None = None) -> int:
        if event_type is None:
            return sum(len(v) for v in self._listeners.values())
        return len(self._listeners.get(event_type, ()))


def _notify(listeners: list[Listener], event: Event) -> None:
    for listener in tuple(listeners):  # a copy: a listener may unsubscribe itself
        try:
            listener(event)
        except Exception:
            _LOGGER.exception("Listener %r failed on event %s", listener, event.event_type)
