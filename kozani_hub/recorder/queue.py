"""The hand-off from the event loop to the writer thread: bounded, and loud when it must drop."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

_LOGGER = logging.getLogger("kozani_hub.recorder")

WARN_EVERY = 60.0


class WriteQueue:
    """Items for the writer. `put` drops (and counts) when full; `put_urgent` never drops.

    Appending to a deque is atomic, so the event loop pays no lock for an ordinary item;
    only urgent items (durable writes, flushes) wake the writer at once.
    """

    def __init__(self, maxsize: int, monotonic: Callable[[], float]) -> None:
        self.maxsize = maxsize
        self.dropped = 0
        self.wake = threading.Event()
        self._items: deque[Any] = deque()
        self._monotonic = monotonic
        self._warned_at: float | None = None
        self._dropping = False
        # The latest state of each restorable entity, for the next commit. Not queued: only
        # the last one counts, and a rule's entity changes with every run. The loop sets
        # items, the writer takes them with popitem (both atomic), so no update is lost.
        self.restores: dict[str, Any] = {}

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: Any) -> bool:
        """Queue an item; when the queue is full, drop it, count it and warn (rate-limited)."""
        if len(self._items) >= self.maxsize:
            self.dropped += 1
            self._warn_dropping()
            return False
        self._items.append(item)
        return True

    def put_urgent(self, item: Any) -> None:
        """Queue an item that must not be lost, and wake the writer."""
        self._items.append(item)
        self.wake.set()

    def drain(self, limit: int) -> list[Any]:
        """Take up to `limit` items, oldest first (writer thread)."""
        items = self._items
        out: list[Any] = []
        append, pop = out.append, items.popleft
        for _ in range(min(limit, len(items))):
            append(pop())
        return out

    def _warn_dropping(self) -> None:
        self._dropping = True
        now = self._monotonic()
        if self._warned_at is not None and now - self._warned_at < WARN_EVERY:
            return
        self._warned_at = now
        _LOGGER.warning(
            "Recorder queue is full (%d items waiting): the database is not keeping up, so new "
            "states and events are dropped from history (%d dropped so far)",
            self.maxsize,
            self.dropped,
        )

    def note_caught_up(self) -> None:
        """Say once that dropping has stopped (writer thread, when the queue has room again)."""
        if self._dropping and len(self._items) < self.maxsize // 2:
            self._dropping = False
            _LOGGER.info(
                "Recorder queue has room again; %d states and events dropped so far", self.dropped
            )
