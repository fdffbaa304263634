"""Templates rendered again when what they read changes (RenderInfo), and at the start of
every minute while they read the time (`now()`), as Home Assistant does."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.core.events import EVENT_STATE_CHANGED, Event, Unsubscribe
from kozani_hub.core.scheduler import Job
from kozani_hub.templates import RenderInfo, Template

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

Results = Mapping[str, RenderInfo]


class TemplateGroup:
    """Named templates rendered together; `on_result` gets every render's RenderInfo.

    Templates named in `as_text` give their text as rendered (a sensor's state); the others
    give values as Home Assistant reads them ('5' -> 5). Changes are gathered and rendered once on the next turn of the event loop, so ten sources
    changing at once cost one render. Changes of `own_entity` (the entity the templates feed)
    are ignored, so a template that reads its own state does not loop.
    """

    def __init__(
        self,
        hub: Hub,
        templates: Mapping[str, Template],
        on_result: Callable[[Results], None],
        *,
        own_entity: str | None = None,
        as_text: frozenset[str] = frozenset(),
        variables: Callable[[], Mapping[str, Any]] | None = None,
    ) -> None:
        self._hub = hub
        self._templates = dict(templates)
        self._as_text = as_text
        self._variables = variables
        self._on_result = on_result
        self._own = own_entity
        self._untrack: Unsubscribe | None = None
        self._unlisten: Unsubscribe | None = None
        self._tracked: frozenset[str] = frozenset()
        self._infos: tuple[RenderInfo, ...] = ()
        self._minute: Job | None = None
        self._pending: asyncio.Handle | None = None
        self._stopped = False

    def start(self) -> None:
        """Render now and begin watching."""
        self._stopped = False
        self.render()

    def stop(self) -> None:
        self._stopped = True
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        self._watch(frozenset(), watch_all=False)
        if self._minute is not None:
            self._minute.cancel()
            self._minute = None

    def render(self) -> None:
        """Render every template now, hand the results on and follow what they read."""
        self._pending = None
        if self._stopped:
            return
        variables = self._variables() if self._variables is not None else None
        results = {
            name: t.render_with_info(variables, parse_result=name not in self._as_text)
            for name, t in self._templates.items()
        }
        self._infos = tuple(results.values())
        entities = frozenset().union(*(i.entities for i in self._infos)) - {self._own or ""}
        wide = any(i.all_states or i.domains for i in self._infos)
        self._watch(entities, watch_all=wide)
        self._tick_each_minute(any(i.uses_now for i in self._infos))
        self._on_result(results)

    def _watch(self, entities: frozenset[str], *, watch_all: bool) -> None:
        if entities != self._tracked or self._untrack is None:
            if self._untrack is not None:
                self._untrack()
                self._untrack = None
            self._tracked = entities
            if entities:
                self._untrack = self._hub.states.track(entities, self._changed)
        if watch_all and self._unlisten is None:
            self._unlisten = self._hub.bus.listen(EVENT_STATE_CHANGED, self._any_changed)
        elif not watch_all and self._unlisten is not None:
            self._unlisten()
            self._unlisten = None

    def _tick_each_minute(self, wanted: bool) -> None:
        if wanted and self._minute is None:
            self._minute = self._hub.scheduler.cron_fields(
                self.render, name="template minute", second=0
            )
        elif not wanted and self._minute is not None:
            self._minute.cancel()
            self._minute = None

    def _changed(self, event: Event) -> None:
        if self._pending is None and not self._stopped:
            self._pending = asyncio.get_running_loop().call_soon(self.render)

    def _any_changed(self, event: Event) -> None:
        entity_id = event.data["entity_id"]
        if entity_id == self._own or entity_id in self._tracked:
            return  # the entity's own tracker handles it
        if any(info.watches(entity_id) for info in self._infos):
            self._changed(event)
