"""Watching an alert's condition: a state, a threshold with its deadband, or a template.

A watch tells its listener the raw condition (before on- and off-delays) each time it may have
changed: True, False, or None when it cannot be told (the entity is missing, or a number is
unavailable), in which case the alert keeps its state.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Protocol

from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.core.states import STATE_UNAVAILABLE, STATE_UNKNOWN, State

from .definition import StateCondition, TemplateCondition, ThresholdCondition

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.alerts")
Listener = Callable[[bool | None], None]
_TRUE = frozenset({"on", "true", "yes", "open", "1"})


class Watch(Protocol):
    def start(self, listener: Listener) -> Callable[[], None]:
        """Begin watching; returns the function that stops it."""

    def evaluate(self) -> bool | None:
        """The raw condition now."""

    def value(self) -> Any:
        """What the alert's message reports as the value (the state, the number)."""


def _read(state: State | None, attribute: str | None) -> Any:
    if state is None:
        return None
    return state.attributes.get(attribute) if attribute else state.state


class StateWatch:
    def __init__(self, hub: Hub, condition: StateCondition) -> None:
        self._hub = hub
        self.condition = condition

    def start(self, listener: Listener) -> Callable[[], None]:
        return self._hub.states.track([self.condition.entity_id],
                                      lambda _event: listener(self.evaluate()))

    def value(self) -> Any:
        return _read(self._hub.states.get(self.condition.entity_id), self.condition.attribute)

    def evaluate(self) -> bool | None:
        if self._hub.states.get(self.condition.entity_id) is None:
            return None
        found = self.value()
        return found is not None and str(found) in self.condition.state


class ThresholdWatch:
    """Above (or below) a limit; back to normal only past the limit by the deadband."""

    def __init__(self, hub: Hub, condition: ThresholdCondition) -> None:
        self._hub = hub
        self.condition = condition
        self.tripped: bool | None = None

    def start(self, listener: Listener) -> Callable[[], None]:
        return self._hub.states.track([self.condition.entity_id],
                                      lambda _event: listener(self.evaluate()))

    def value(self) -> Any:
        return _read(self._hub.states.get(self.condition.entity_id), self.condition.attribute)

    def number(self) -> float | None:
        raw = self.value()
        if raw is None or raw in (STATE_UNAVAILABLE, STATE_UNKNOWN) or isinstance(raw, bool):
            return None
        try:
            return float(raw)
        except (TypeError, ValueError):
            return None

    def evaluate(self) -> bool | None:
        number = self.number()
        if number is None:
            return self.tripped
        self.tripped = tripped(self.condition, number, bool(self.tripped))
        return self.tripped


def tripped(condition: ThresholdCondition, number: float, was: bool) -> bool:
    """Whether `number` is an alarm, given whether it was one: the deadband holds it in."""
    band = condition.deadband if was else 0.0
    high = condition.above is not None and number > condition.above - band
    low = condition.below is not None and number < condition.below + band
    return high or low


class TemplateWatch:
    """True while the template renders a true value; re-rendered when an entity it read
    changes, and every minute when it reads the time."""

    def __init__(self, hub: Hub, condition: TemplateCondition, alert_id: str) -> None:
        self._hub = hub
        self.condition = condition
        self._alert_id = alert_id
        self._template = hub.templates.compile(condition.template)
        self._listener: Listener | None = None
        self._untrack: Callable[[], None] | None = None
        self._watching: frozenset[str] = frozenset()
        self._all: Callable[[], None] | None = None
        self._minute: Any = None
        self._last: Any = None
        self._error: str | None = None

    def start(self, listener: Listener) -> Callable[[], None]:
        self._listener = listener
        return self.stop

    def stop(self) -> None:
        self._listener = None
        for undo in (self._untrack, self._all):
            if undo is not None:
                undo()
        self._untrack = self._all = None
        if self._minute is not None:
            self._minute.cancel()
            self._minute = None

    def value(self) -> Any:
        return self._last

    def evaluate(self) -> bool | None:
        info = self._template.render_with_info()
        self._follow(info.entities, info.all_states or bool(info.domains), info.uses_now)
        if info.error is not None:
            if str(info.error) != self._error:
                _LOGGER.warning("Alert %s: its condition template failed: %s", self._alert_id,
                                info.error)
            self._error = str(info.error)
            return None
        self._error = None
        self._last = info.result
        return truthy(info.result)

    def _changed(self, _event: Event | None = None) -> None:
        if self._listener is not None:
            self._listener(self.evaluate())

    def _follow(self, entities: frozenset[str], everything: bool, uses_now: bool) -> None:
        if self._listener is None:
            return
        if entities != self._watching:
            if self._untrack is not None:
                self._untrack()
            self._untrack = self._hub.states.track(entities, self._changed)
            self._watching = entities
        if everything and self._all is None:
            self._all = self._hub.bus.listen(EVENT_STATE_CHANGED, self._changed)
        if uses_now and self._minute is None:
            self._minute = self._hub.scheduler.every(timedelta(minutes=1), self._changed,
                                                     name=f"alert {self._alert_id} template")


def truthy(result: Any) -> bool:
    """A template result read as a condition, as Home Assistant reads one."""
    if isinstance(result, bool):
        return result
    if isinstance(result, int | float):
        return result != 0
    return isinstance(result, str) and result.strip().lower() in _TRUE


def watch_for(hub: Hub, alert_id: str, condition: Any) -> Watch:
    """The watch of a definition's condition."""
    if isinstance(condition, StateCondition):
        return StateWatch(hub, condition)
    if isinstance(condition, ThresholdCondition):
        return ThresholdWatch(hub, condition)
    if isinstance(condition, TemplateCondition):
        return TemplateWatch(hub, condition, alert_id)
    raise TypeError(f"no watch for {type(condition).__name__}")
