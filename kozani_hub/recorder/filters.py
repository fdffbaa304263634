"""Which states and events are recorded: include/exclude by domain, entity id, glob, event type.

The rules, in order: an entity named in `exclude.entities` is not recorded; one named in
`include.entities` is; one matching an exclude domain or glob is not; when the include list
names domains or globs, only entities matching one of them are recorded; otherwise all are.
"""

from __future__ import annotations

import fnmatch
import re

from kozani_hub.core.events import Event

from .config import FilterConfig


def _globs(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{fnmatch.translate(p)})" for p in patterns))


class EntityFilter:
    """Decides, once per entity id (cached), whether its states are recorded."""

    def __init__(self, include: FilterConfig, exclude: FilterConfig) -> None:
        self._include_ids = frozenset(include.entities)
        self._exclude_ids = frozenset(exclude.entities)
        self._include_domains = frozenset(include.domains)
        self._exclude_domains = frozenset(exclude.domains)
        self._include_globs = _globs(include.entity_globs)
        self._exclude_globs = _globs(exclude.entity_globs)
        self._narrowed = bool(include.domains or include.entity_globs or include.entities)
        self._cache: dict[str, bool] = {}

    def __call__(self, entity_id: str) -> bool:
        cached = self._cache.get(entity_id)
        if cached is None:
            cached = self._cache[entity_id] = self._decide(entity_id)
        return cached

    def _decide(self, entity_id: str) -> bool:
        if entity_id in self._exclude_ids:
            return False
        if entity_id in self._include_ids:
            return True
        domain = entity_id.partition(".")[0]
        if domain in self._exclude_domains:
            return False
        if self._exclude_globs is not None and self._exclude_globs.match(entity_id):
            return False
        if not self._narrowed:
            return True
        if domain in self._include_domains:
            return True
        return self._include_globs is not None and self._include_globs.match(entity_id) is not None


# Events that only repeat what a rule run's record says (unless asked for by name).
RULE_TRIGGERED = "automation_triggered"
SERVICE_CALLED = "call_service"


class EventFilter:
    """Decides whether an event (other than a state change) is recorded."""

    def __init__(
        self, include: FilterConfig, exclude: FilterConfig, *, rule_echoes: bool = True
    ) -> None:
        self._include = frozenset(include.event_types)
        self._exclude = frozenset(exclude.event_types)
        self._skip_triggered = not rule_echoes and RULE_TRIGGERED not in self._include
        self._skip_rule_calls = not rule_echoes and SERVICE_CALLED not in self._include
        self._cache: dict[str, bool] = {}

    def __call__(self, event: Event) -> bool:
        event_type = event.event_type
        wanted = self._cache.get(event_type)
        if wanted is None:
            wanted = self._cache[event_type] = self._decide(event_type)
        if wanted and self._skip_rule_calls and event_type == SERVICE_CALLED:
            return event.context.origin != "rule"  # a rule's call is in its run record
        return wanted

    def skipped_types(self) -> frozenset[str]:
        """Event types never recorded, whatever their data (the bus need not deliver them)."""
        skipped = set(self._exclude)
        if self._skip_triggered:
            skipped.add(RULE_TRIGGERED)
        return frozenset(skipped)

    def skipped_origins(self) -> dict[str, frozenset[str]]:
        """Per event type, the origins whose events are never recorded."""
        return {SERVICE_CALLED: frozenset({"rule"})} if self._skip_rule_calls else {}

    def _decide(self, event_type: str) -> bool:
        if event_type in self._exclude:
            return False
        if self._skip_triggered and event_type == RULE_TRIGGERED:
            return False
        return not self._include or event_type in self._include
