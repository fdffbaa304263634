"""What the recorder keeps for other components: pending work that must outlive a restart
(`for:` waits, runs waiting in a delay, schedules' last runs, and later alerts), their own
saved states (a rule's on/off and last_triggered), and the summaries of rule runs.

A component takes part by having the methods below; the recorder finds it among the hub's
components when it starts. Pending items are written behind the changes: at most one write
is under way, and changes that come meanwhile are gathered into the next one. Each write is
committed and synced before the next starts, so what was pending a moment ago is on disk.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from kozani_hub.core.events import EVENT_HUB_STARTED, Event
from kozani_hub.core.states import State

from .codec import NotSerialisable, dumps_strict
from .restore import PendingItem, RestoreStore

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.recorder")


@runtime_checkable
class PendingSource(Protocol):
    """A component with pending work (the rules engine): described as plain JSON-able
    mappings, taken back after a restart, and announced when it changes."""

    name: str

    def snapshot_pending(self) -> list[dict[str, Any]]: ...

    def resume_pending(self, items: Iterable[Mapping[str, Any]]) -> list[str]: ...

    def add_pending_listener(self, listener: Callable[[], None]) -> Callable[[], None]: ...


@runtime_checkable
class StateOwner(Protocol):
    """A component that owns the entities of its domain (`name`) and takes their saved
    states back itself (a rule's on/off and last_triggered)."""

    name: str

    def restore_state(self, state: State) -> bool: ...


@runtime_checkable
class TraceSource(Protocol):
    """A component that reports each finished rule run."""

    def add_trace_listener(self, listener: Callable[[Any], None]) -> Callable[[], None]: ...


def item_due(item: Mapping[str, Any]) -> datetime | None:
    """When a pending item falls due, if it says (`due`, or `wait.due` for a waiting run)."""
    for holder in (item, item.get("wait")):
        if isinstance(holder, Mapping) and isinstance(holder.get("due"), str):
            try:
                return datetime.fromisoformat(holder["due"])
            except ValueError:
                return None
    return None


class PendingLink:
    """Keeps one source's pending items in the restore store (kind = the source's name)."""

    def __init__(
        self, hub: Hub, store: RestoreStore, source: PendingSource, saved: Sequence[PendingItem]
    ) -> None:
        self.hub = hub
        self.store = store
        self.source = source
        self.kind = source.name
        self.saved = [item for item in saved if item.kind == self.kind]
        self._written = {item.key for item in self.saved}
        self._resumed = False
        self._dirty = False
        self._scheduled: asyncio.Handle | None = None
        self._writing: asyncio.Future[None] | None = None
        self._undo: list[Callable[[], None]] = []
        self._warned: set[str] = set()

    def attach(self) -> None:
        self._undo.append(self.source.add_pending_listener(self.changed))
        if self.hub.running:
            self.resume()
        else:
            self._undo.append(self.hub.bus.listen_once(EVENT_HUB_STARTED, self._on_started))

    def detach(self) -> None:
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        if self._scheduled is not None:
            self._scheduled.cancel()
            self._scheduled = None

    def _on_started(self, _: Event) -> None:
        self.resume()

    def resume(self) -> None:
        """Give the source back what was pending before the restart; report what it refused."""
        if self._resumed:
            return
        self._resumed = True
        items = [dict(item.payload) for item in self.saved]
        if items:
            try:
                problems = self.source.resume_pending(items)
            except Exception:
                _LOGGER.exception("%s could not take back its pending work", self.kind)
                problems = []
            taken = len(items) - len(problems)
            _LOGGER.info("Restored %d pending item(s) of %s after the restart", taken, self.kind)
            for problem in problems:
                _LOGGER.warning("Not restored after restart: %s", problem)
        self.saved = []
        self.changed()

    def changed(self) -> None:
        """The source's pending items changed: write them soon (gathered, one write at a time)."""
        if not self._resumed:
            return  # until then the store holds what the last run left, and must keep it
        self._dirty = True
        if self._scheduled is None and self._writing is None:
            self._scheduled = asyncio.get_running_loop().call_soon(self._write)

    def _write(self) -> None:
        self._scheduled = None
        self._dirty = False
        rows: dict[str, tuple[str, datetime | None]] = {}
        for item in self.source.snapshot_pending():
            try:
                text = dumps_strict(item)
            except NotSerialisable as err:
                self._warn_once(f"{self.kind}: a pending item cannot be saved: {err}")
                continue
            key = hashlib.blake2b(text.encode(), digest_size=12).hexdigest()
            rows[key] = (text, item_due(item))
        added = {key: row for key, row in rows.items() if key not in self._written}
        gone = [key for key in self._written if key not in rows]
        if not added and not gone:
            return
        self._written = set(rows)
        self._writing = self.store.sync(self.kind, added, gone)
        self._writing.add_done_callback(self._written_done)

    def _written_done(self, future: asyncio.Future[None]) -> None:
        self._writing = None
        if not future.cancelled() and future.exception() is not None:
            self._warn_once(f"{self.kind}: pending items could not be saved: {future.exception()}")
            self._written = set()  # unknown now: the next write rewrites them all
            self._dirty = True
        if self._dirty and self._scheduled is None:
            self._scheduled = asyncio.get_running_loop().call_soon(self._write)

    def _warn_once(self, message: str) -> None:
        if message not in self._warned:
            self._warned.add(message)
            _LOGGER.error("%s", message)

    async def settle(self) -> None:
        """Finish writing what is pending now (before the recorder stops)."""
        for _ in range(100):
            if self._scheduled is not None:
                self._scheduled.cancel()
                self._write()
            if self._writing is None:
                return
            await asyncio.gather(self._writing, return_exceptions=True)
