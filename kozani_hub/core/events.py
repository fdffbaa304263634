"""The event bus: typed events, listeners by event type, every listen returns its unsubscribe."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, cast

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

MAX_ROUTES = 4096
"""Event types whose listener lists are kept worked out; past that the cache starts afresh
(event types come from configuration and webhooks, so their number is not ours to bound)."""


@dataclass(frozen=True, slots=True, eq=False)
class _Entry:
    event_type: str
    listener: Listener
    skip_types: frozenset[str]
    skip_origins: Mapping[str, frozenset[str]]

    def hears(self, event_type: str) -> bool:
        if self.event_type == MATCH_ALL:
            return event_type not in self.skip_types
        return self.event_type == event_type


class _ByOrigin(dict[str, tuple[Listener, ...]]):
    """The listeners of one event type where some of them skip events of certain origins:
    worked out per origin on first use."""

    def __init__(self, event_type: str, entries: list[_Entry]) -> None:
        super().__init__()
        self.event_type = event_type
        self.entries = entries

    def __missing__(self, origin: str) -> tuple[Listener, ...]:
        event_type = self.event_type
        listeners = tuple(
            e.listener for e in self.entries if origin not in e.skip_origins.get(event_type, ())
        )
        self[origin] = listeners
        return listeners


_Route = tuple[Listener, ...] | _ByOrigin


class EventBus:
    """Delivers events synchronously to listeners registered for their type (or for all).

    Listeners are plain callables run in the order they registered, those of the event's own
    type before those of all types; one that raises is logged and the others still run. A
    listener that needs to await schedules a task itself.

    A listener may say which events it does not want (`skip_types`, `skip_origins`); the bus
    keeps, per event type, the list of listeners that want it, so `wants()` can tell a caller
    that nobody would hear an event before the caller builds it.
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self._entries: list[_Entry] = []
        self._routes: dict[str, _Route] = {}

    def listen(
        self,
        event_type: str,
        listener: Listener,
        *,
        skip_types: Iterable[str] = (),
        skip_origins: Mapping[str, Iterable[str]] | None = None,
    ) -> Unsubscribe:
        """Call `listener` for every event of `event_type` (or MATCH_ALL). Returns the unsubscribe.

        `skip_types` (with MATCH_ALL): event types it is not called for. `skip_origins`: per
        event type, the context origins whose events of that type it is not called for (e.g.
        `{"call_service": {"rule"}}`: not the service calls that rules make).
        """
        skip = frozenset(skip_types)
        if skip and event_type != MATCH_ALL:
            raise ValueError("skip_types is for listeners of all event types")
        entry = _Entry(
            event_type,
            listener,
            skip,
            {k: frozenset(v) for k, v in (skip_origins or {}).items()},
        )
        self._entries = [*self._entries, entry]
        self._routes.clear()

        def unsubscribe() -> None:
            if entry in self._entries:
                self._entries = [e for e in self._entries if e is not entry]
                self._routes.clear()

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
        route = self._routes.get(event.event_type)
        if route is None:
            route = self._route(event.event_type)
        listeners = route if type(route) is tuple else cast(_ByOrigin, route)[event.context.origin]
        for listener in listeners:  # a tuple: a listener may unsubscribe meanwhile
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("Listener %r failed on event %s", listener, event.event_type)

    def wants(self, event_type: str, origin: str | None = None) -> bool:
        """Whether an event of `event_type` (caused from `origin`, when given) would reach a
        listener: a caller can skip building an event nobody hears."""
        route = self._routes.get(event_type)
        if route is None:
            route = self._route(event_type)
        if isinstance(route, _ByOrigin):
            return bool(route[origin]) if origin is not None else bool(route.entries)
        return bool(route)

    def _route(self, event_type: str) -> _Route:
        entries = self._entries
        own = [e for e in entries if e.event_type == event_type]
        hearing = own + [e for e in entries if e.event_type == MATCH_ALL and e.hears(event_type)]
        route: _Route
        if any(event_type in e.skip_origins for e in hearing):
            route = _ByOrigin(event_type, hearing)
        else:
            route = tuple(e.listener for e in hearing)
        if len(self._routes) >= MAX_ROUTES:
            self._routes.clear()
        self._routes[event_type] = route
        return route

    def listener_count(self, event_type: str | None = None) -> int:
        if event_type is None:
            return len(self._entries)
        return sum(1 for e in self._entries if e.event_type == event_type)
