"""The state machine: the current State of every entity, and state_changed events."""

from __future__ import annotations

import logging
import re
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Protocol

from .context import Context, new_context
from .events import EVENT_STATE_CHANGED, Event, EventBus, Unsubscribe, build_event

STATE_UNKNOWN: Final = "unknown"
STATE_UNAVAILABLE: Final = "unavailable"
STATE_ON: Final = "on"
STATE_OFF: Final = "off"
MAX_STATE_LENGTH: Final = 255

_ENTITY_ID = re.compile(r"^(?!.+__)(?!_)[\da-z_]+(?<!_)\.(?!_)[\da-z_]+(?<!_)$")
_EMPTY: Mapping[str, Any] = MappingProxyType({})
_LOGGER = logging.getLogger(__name__)


class InvalidEntityId(ValueError):
    """An entity id that is not `domain.object_id` in lower case."""

    def __init__(self, entity_id: str) -> None:
        super().__init__(
            f"invalid entity id {entity_id!r}: expected 'domain.object_id' in lower case letters, "
            "digits and single underscores, such as 'light.dimokratias_01'"
        )


def valid_entity_id(entity_id: str) -> bool:
    return _ENTITY_ID.match(entity_id) is not None


def split_entity_id(entity_id: str) -> tuple[str, str]:
    domain, _, object_id = entity_id.partition(".")
    return domain, object_id


@dataclass(frozen=True, slots=True)
class State:
    """An entity's state at one moment. Immutable: a change makes a new State."""

    entity_id: str
    state: str
    attributes: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    last_changed: datetime | None = None
    last_updated: datetime | None = None
    context: Context = field(default_factory=Context)

    def __init__(  # noqa: PLR0917 (the dataclass's own signature)
        self,
        entity_id: str,
        state: str,
        attributes: Mapping[str, Any] = _EMPTY,
        last_changed: datetime | None = None,
        last_updated: datetime | None = None,
        context: Context | None = None,
    ) -> None:
        # What the dataclass would write, through the slots' own setters: a frozen dataclass
        # sets each field with object.__setattr__, twice as slow, and every change makes a State.
        _set_entity_id(self, entity_id)
        _set_state(self, state)
        _set_attributes(self, attributes)
        _set_last_changed(self, last_changed)
        _set_last_updated(self, last_updated)
        _set_context(self, context if context is not None else Context())

    @property
    def domain(self) -> str:
        return self.entity_id.partition(".")[0]

    @property
    def object_id(self) -> str:
        return self.entity_id.partition(".")[2]

    @property
    def name(self) -> str:
        name = self.attributes.get("friendly_name")
        return str(name) if name else self.object_id.replace("_", " ")

    def as_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "state": self.state,
            "attributes": dict(self.attributes),
            "last_changed": self.last_changed.isoformat() if self.last_changed else None,
            "last_updated": self.last_updated.isoformat() if self.last_updated else None,
            "context": self.context.as_dict(),
        }


_set_entity_id = State.__dict__["entity_id"].__set__
_set_state = State.__dict__["state"].__set__
_set_attributes = State.__dict__["attributes"].__set__
_set_last_changed = State.__dict__["last_changed"].__set__
_set_last_updated = State.__dict__["last_updated"].__set__
_set_context = State.__dict__["context"].__set__


class _StateSlots:
    """A State's fields as plain slots: see `build_state`."""

    __slots__ = State.__slots__


def build_state(  # noqa: PLR0917 (State's own fields, in order)
    entity_id: str,
    state: str,
    attributes: Mapping[str, Any],
    last_changed: datetime | None,
    last_updated: datetime | None,
    context: Context,
) -> State:
    """`State(...)` with every field given, built three times faster, as `build_context`
    builds a Context: every state change makes a State."""
    new: Any = _StateSlots()
    new.entity_id = entity_id
    new.state = state
    new.attributes = attributes
    new.last_changed = last_changed
    new.last_updated = last_updated
    new.context = context
    new.__class__ = State
    made: State = new
    return made


def state_to_str(value: object) -> str:
    """The state string for a reported value, as Home Assistant stores it."""
    if value is None:
        return STATE_UNKNOWN
    if isinstance(value, bool):
        return STATE_ON if value else STATE_OFF
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_STATE_LENGTH:
        raise ValueError(f"state is {len(text)} characters long; at most {MAX_STATE_LENGTH} fit")
    return text


StateListener = Callable[[Event], None]


@dataclass(frozen=True, slots=True)
class StateRemoved:
    """What a journal receives when an entity is removed."""

    entity_id: str
    time: datetime


class Journal(Protocol):
    """A bounded hand-off of every state change to a consumer on another thread (the
    recorder's write queue): `items` is appended to while shorter than `maxsize`; beyond,
    `overflow(item)` is called instead (to count and report what is dropped)."""

    @property
    def items(self) -> deque[Any]: ...

    @property
    def maxsize(self) -> int: ...

    def overflow(self, item: Any) -> None: ...


class StateMachine:
    """Holds the current states, fires `state_changed`, and indexes listeners by entity id.

    `track()` is the trigger index of DESIGN §2: a change of one entity reaches only the
    listeners of that entity, so its cost does not grow with rules watching other entities.
    `journal_to()` hands every change to the recorder with an append, not a bus listener:
    the recorder sorts them out on its own thread.
    """

    def __init__(self, bus: EventBus, now: Callable[[], datetime]) -> None:
        self._bus = bus
        self._now = now
        self._states: dict[str, State] = {}
        # Tuples, replaced on each change: most entities have one or two listeners, and a
        # tuple of one weighs half a list; a dispatch needs no copy of it either.
        self._trackers: dict[str, tuple[StateListener, ...]] = {}
        self._journal: Journal | None = None
        self._journal_items: deque[Any] | None = None
        self._journal_max = 0

    def get(self, entity_id: str) -> State | None:
        return self._states.get(entity_id)

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._states

    def __len__(self) -> int:
        return len(self._states)

    def all(self, domain: str | None = None) -> list[State]:
        if domain is None:
            return list(self._states.values())
        prefix = domain + "."
        return [s for eid, s in self._states.items() if eid.startswith(prefix)]

    def entity_ids(self, domain: str | None = None) -> list[str]:
        if domain is None:
            return list(self._states)
        prefix = domain + "."
        return [eid for eid in self._states if eid.startswith(prefix)]

    def check_entity_id(self, entity_id: str) -> None:
        """Raise InvalidEntityId unless `entity_id` is `domain.object_id` in lower case."""
        if entity_id not in self._states and not valid_entity_id(entity_id):
            raise InvalidEntityId(entity_id)

    def set(
        self,
        entity_id: str,
        state: object,
        attributes: Mapping[str, Any] | None = None,
        context: Context | None = None,
        *,
        force_update: bool = False,
    ) -> State:
        """Set an entity's state. Fires state_changed unless nothing changed (or force_update)."""
        old = self._states.get(entity_id)
        if old is None and not valid_entity_id(entity_id):  # an entity in the table is valid
            raise InvalidEntityId(entity_id)
        if type(state) is str and len(state) <= MAX_STATE_LENGTH:
            new_state = state
        else:
            new_state = state_to_str(state)
        attrs: Mapping[str, Any]
        if not attributes:
            attrs = _EMPTY
        elif (
            old is not None
            and attributes is old.attributes
            and type(attributes) is MappingProxyType
        ):
            attrs = attributes  # the current state's own read-only copy: nothing can change it
        else:
            attrs = MappingProxyType(dict(attributes))
        if old is not None and old.state == new_state:
            if not force_update and (old.attributes is attrs or old.attributes == attrs):
                return old
            now = self._now()
            last_changed = old.last_changed
        else:
            now = last_changed = self._now()
        if context is None:
            context = new_context()
        new = build_state(entity_id, new_state, attrs, last_changed, now, context)
        self._states[entity_id] = new
        journal = self._journal_items
        if journal is not None and context.origin != "restore":
            if len(journal) < self._journal_max:
                journal.append(new)
            else:
                self._overflow(new)
        event = build_event(
            EVENT_STATE_CHANGED,
            {"entity_id": entity_id, "old_state": old, "new_state": new},
            now,
            context,
        )
        trackers = self._trackers.get(entity_id)
        if trackers:
            self._notify(trackers, event, entity_id)
        self._bus.deliver(event)
        return new

    def restore(self, state: State) -> None:
        """Put back a state saved before a restart, keeping its timestamps; fires state_changed."""
        self.check_entity_id(state.entity_id)
        old = self._states.get(state.entity_id)
        self._states[state.entity_id] = state
        self._announce(state.entity_id, old, state)

    def remove(self, entity_id: str, context: Context | None = None) -> bool:
        old = self._states.pop(entity_id, None)
        if old is None:
            return False
        journal = self._journal_items
        if journal is not None:
            removed = StateRemoved(entity_id, self._now())
            if len(journal) < self._journal_max:
                journal.append(removed)
            else:
                self._overflow(removed)
        self._announce(entity_id, old, None, context)
        return True

    def journal_to(self, journal: Journal) -> Unsubscribe:
        """Append every new State (and a StateRemoved for each removal) to `journal` from now
        on. States put back by `restore()`, or set with a context of origin "restore", are not
        journaled: they were recorded before. One journal at a time; returns what stops it."""
        if self._journal is not None:
            raise RuntimeError("the state machine already has a journal")
        self._journal = journal
        self._journal_items = journal.items
        self._journal_max = journal.maxsize

        def stop() -> None:
            if self._journal is journal:
                self._journal = self._journal_items = None

        return stop

    def _overflow(self, item: Any) -> None:
        if self._journal is not None:
            self._journal.overflow(item)

    def _announce(
        self, entity_id: str, old: State | None, new: State | None, context: Context | None = None
    ) -> None:
        ctx = new.context if new is not None else (context or Context())
        event = Event(
            EVENT_STATE_CHANGED,
            {"entity_id": entity_id, "old_state": old, "new_state": new},
            new.last_updated if new is not None else self._now(),
            ctx,
        )
        trackers = self._trackers.get(entity_id)
        if trackers:
            self._notify(trackers, event, entity_id)
        self._bus.deliver(event)

    @staticmethod
    def _notify(trackers: tuple[StateListener, ...], event: Event, entity_id: str) -> None:
        for listener in trackers:
            try:
                listener(event)
            except Exception:
                _LOGGER.exception("State listener %r failed on %s", listener, entity_id)

    def track(self, entity_ids: Iterable[str], listener: StateListener) -> Unsubscribe:
        """Call `listener` with the state_changed event of any of `entity_ids`."""
        if type(entity_ids) is tuple and len(entity_ids) == 1:
            ids: tuple[str, ...] = entity_ids  # kept as given: no copy per rule
        else:
            ids = tuple(dict.fromkeys(entity_ids))
        trackers = self._trackers
        for eid in ids:
            trackers[eid] = (*trackers.get(eid, ()), listener)
        return _Untrack(self, ids, listener)

    def untrack(self, entity_ids: tuple[str, ...], listener: StateListener) -> None:
        """Stop one `track(entity_ids, listener)`; what its returned unsubscribe does."""
        trackers = self._trackers
        for eid in entity_ids:
            listeners = trackers.get(eid)
            if listeners and listener in listeners:
                at = listeners.index(listener)
                rest = listeners[:at] + listeners[at + 1 :]
                if rest:
                    trackers[eid] = rest
                else:
                    del trackers[eid]


class _Untrack:
    """What `track` returns: calling it stops the tracking. A small object rather than a
    closure: ten thousand rules each keep one."""

    __slots__ = ("_ids", "_listener", "_machine")

    def __init__(
        self, machine: StateMachine, ids: tuple[str, ...], listener: StateListener
    ) -> None:
        self._machine = machine
        self._ids = ids
        self._listener = listener

    def __call__(self) -> None:
        ids, self._ids = self._ids, ()  # a second call changes nothing
        self._machine.untrack(ids, self._listener)
