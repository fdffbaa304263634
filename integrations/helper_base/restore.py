"""Run code once the recorder has restored the previous run's states, before rules start.

The recorder is a hub component started after the integrations: it hands each restorable
entity its saved state. What helpers must do after that (give the entities that got nothing
their default, read a window of history back) runs in a small component placed right after
the recorder, so rules never see a helper without its value.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from kozani_hub.core.events import EVENT_HUB_STARTED, Event, Unsubscribe
from kozani_hub.recorder import Recorder

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

AfterRestore = Callable[[Recorder | None], Awaitable[None]]


def recorder_of(hub: Hub) -> Recorder | None:
    """The hub's recorder, if it has one."""
    return next((c for c in hub.components if isinstance(c, Recorder)), None)


class RestoreDone:
    """The component that runs the helpers' after-restore work, right after the recorder."""

    name = "helpers after restore"

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder
        self._callbacks: list[AfterRestore] = []

    def add(self, callback: AfterRestore) -> Unsubscribe:
        self._callbacks.append(callback)

        def remove() -> None:
            if callback in self._callbacks:
                self._callbacks.remove(callback)

        return remove

    async def start(self) -> None:
        for callback in list(self._callbacks):
            try:
                await callback(self._recorder)
            except Exception:
                _LOGGER.exception("A helper failed to take back its state after the restart")

    async def stop(self) -> None:
        """Nothing to stop: the work was done at start."""


async def after_restore(hub: Hub, callback: AfterRestore) -> Unsubscribe:
    """Run `callback` once the recorder has restored states (at once, if there is no recorder
    or it already runs). Returns the function that cancels a callback not yet run."""
    recorder = recorder_of(hub)
    if recorder is None or recorder.status.running:
        await callback(recorder)
        return _nothing
    step = next((c for c in hub.components if isinstance(c, RestoreDone)), None)
    if step is None:
        step = RestoreDone(recorder)
        hub.components.insert(hub.components.index(recorder) + 1, step)
    return step.add(callback)


def when_started(hub: Hub, callback: Callable[[], None]) -> Unsubscribe:
    """Run `callback` once the hub has started, rules included (at once if it runs)."""
    if hub.running:
        callback()
        return _nothing

    def started(_event: Event) -> None:
        callback()

    return hub.bus.listen_once(EVENT_HUB_STARTED, started)


def _nothing() -> None:
    return None
