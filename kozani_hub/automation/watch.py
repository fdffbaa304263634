"""Re-render a template when something it read changes (template triggers, wait_template).

The template reports which entities it read; only those are tracked, through the state
machine's entity index. A template that reads every state (`states | ...`) or a whole domain
listens to all state changes, and one that uses `now()` is re-rendered at each minute.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.core.events import EVENT_STATE_CHANGED, Event

if TYPE_CHECKING:
    from kozani_hub.core.scheduler import Job
    from kozani_hub.templates import RenderInfo, Template

    from .env import Env

OnResult = Callable[["RenderInfo", "Event | None"], None]


def truthy(value: Any) -> bool:
    """A template result as a condition, the way Home Assistant reads it."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "on", "enable"):
            return True
        try:
            return float(text) != 0
        except ValueError:
            return False
    return False


class TemplateWatch:
    """Renders `template` now and again whenever its inputs change; reports each result."""

    __slots__ = ("_entities", "_env", "_every_state", "_minute", "_on_result", "_template",
                 "_unsub", "_variables", "active")

    def __init__(
        self, env: Env, template: Template, variables: Mapping[str, Any], on_result: OnResult
    ) -> None:
        self._env = env
        self._template = template
        self._variables = variables
        self._on_result = on_result
        self._entities: frozenset[str] = frozenset()
        self._every_state: tuple[bool, frozenset[str]] = (False, frozenset())
        self._unsub: Callable[[], None] | None = None
        self._minute: Job | None = None
        self.active = False

    def start(self) -> RenderInfo:
        """Render once and start tracking; return that first result (not reported)."""
        self.active = True
        info = self._template.render_with_info(self._variables, parse_result=False)
        self._track(info)
        return info

    def stop(self) -> None:
        self.active = False
        if self._unsub is not None:
            self._unsub()
            self._unsub = None
        if self._minute is not None:
            self._minute.cancel()
            self._minute = None

    def _track(self, info: RenderInfo) -> None:
        every = (info.all_states, frozenset(info.domains))
        if self._unsub is None or info.entities != self._entities or every != self._every_state:
            if self._unsub is not None:
                self._unsub()
            self._entities = frozenset(info.entities)
            self._every_state = every
            self._unsub = self._subscribe()
        if info.uses_now and self._minute is None:
            self._minute = self._env.scheduler.cron_fields(
                self._tick, name="template now()", second=0
            )
        elif not info.uses_now and self._minute is not None:
            self._minute.cancel()
            self._minute = None

    def _subscribe(self) -> Callable[[], None]:
        all_states, domains = self._every_state
        if all_states or domains:
            prefixes = tuple(d + "." for d in domains)

            def any_change(event: Event) -> None:
                if all_states or str(event.data.get("entity_id", "")).startswith(prefixes):
                    self._changed(event)

            return self._env.bus.listen(EVENT_STATE_CHANGED, any_change)
        if self._entities:
            return self._env.states.track(self._entities, self._changed)
        return _nothing

    def _tick(self) -> None:
        self.refresh(None)

    def _changed(self, event: Event) -> None:
        self.refresh(event)

    def refresh(self, event: Event | None) -> None:
        """Render again and report the result."""
        if not self.active:
            return
        info = self._template.render_with_info(self._variables, parse_result=False)
        self._track(info)
        self._on_result(info, event)


def _nothing() -> None:
    return None
