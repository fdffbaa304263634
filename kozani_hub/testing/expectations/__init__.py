"""The kinds of expectation an `expect:` step may list, by key.

A part of the hub that adds its own (the alerts add `alerts` and `notifications`) puts its
parser in `expectation_parsers()`; the scenario reader and runner need nothing else.
"""

from __future__ import annotations

from .alerts import AlertsExpectation, NoNotificationsExpectation, NotificationsExpectation
from .base import Expectation, ExpectationParser, Failure, Observation
from .calls import CallsExpectation, NoCallsExpectation
from .events import EventsExpectation, NoEventsExpectation
from .states import StatesExpectation


def expectation_parsers() -> dict[str, ExpectationParser]:
    """Every expectation key, and the parser of what is written under it."""
    return {
        "calls": CallsExpectation.parse,
        "no_calls": NoCallsExpectation.parse,
        "states": StatesExpectation.parse,
        "events": EventsExpectation.parse,
        "no_events": NoEventsExpectation.parse,
        "alerts": AlertsExpectation.parse,
        "notifications": NotificationsExpectation.parse,
        "no_notifications": NoNotificationsExpectation.parse,
    }


__all__ = ["Expectation", "ExpectationParser", "Failure", "Observation", "expectation_parsers"]
