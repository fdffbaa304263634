"""The hand-off from the event loop to the writer thread: bounded, and loud when it must drop."""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable
from itertools import repeat, starmap
from typing import Any

_LOGGER = logging.getLogger("kozani_hub.recorder")

WARN_EVERY = 60.0


class WriteQueue:
    """Items for the writer. `put` drops (and counts) when full; `put_urgent` never drops.

    Appending to a deque is atomic, so the event loop pays no lock for an ordinary item;
    only urgent items (durable writes, flushes) wake the writer at once. The state machine
    appends its changes to `items` itself (it is the queue's journal: see
    `StateMachine.journal_to`), calling `overflow` when the queue is full.
    """

    def __init__(self, maxsize: int, monotonic: Callable[[], float]) -> None:
        self.maxsize = maxsize
        self.dropped = 0
        self.wake = threading.Event()
        self.items: deque[Any] = deque()
        self.high_water = 0  # the longest the writer found the queue
        self._monotonic = monotonic
        self._warned_at: float | None = None
        self._dropping = False

    def __len__(self) -> int:
        return len(self.items)

    def put(self, item: Any) -> bool:
        """Queue an item; when the queue is full, drop it, count it and warn (rate-limited)."""
        if len(self.items) >= self.maxsize:
            self.overflow(item)
            return False
        self.items.append(item)
        return True

    def overflow(self, item: Any) -> None:
        """`item` did not fit: count it and warn (rate-limited)."""
        self.dropped += 1
        self._warn_dropping()

    def put_urgent(self, item: Any) -> None:
        """Queue an item that must not be lost, and wake the writer."""
        self.items.append(item)
        self.wake.set()

    def drain(self, limit: int) -> list[Any]:
        """Take up to `limit` items, oldest first (writer thread). Each popleft is atomic and
        only the writer takes items, so the event loop may append meanwhile."""
        items = self.items
        count = min(limit, len(items))
        self.high_water = max(self.high_water, len(items))
        return list(starmap(items.popleft, repeat((), count)))

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
        if self._dropping and len(self.items) < self.maxsize // 2:
            self._dropping = False
            _LOGGER.info(
                "Recorder queue has room again; %d states and events dropped so far", self.dropped
            )
