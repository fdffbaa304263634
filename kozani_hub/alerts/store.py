"""Where alerts are kept durably: on the recorder's synchronous-commit store when the hub has a
recorder, else in memory (a hub without a database cannot promise survival, and says so)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from kozani_hub.recorder import PendingItem, Recorder

from .journal import LogRow, purger, writer

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.alerts")

RECORD = "alert"
OUTBOX = "alert_outbox"


class Durable(Protocol):
    """Saved items (records, outbox entries) and the history. Each call is queued at once, in
    order; its awaitable completes once the change is committed and synced."""

    def put_many(self, items: Iterable[PendingItem]) -> Awaitable[None]: ...

    def put(self, kind: str, key: str, payload: Mapping[str, Any],
            due: datetime | None = None) -> Awaitable[None]: ...

    def delete(self, kind: str, key: str) -> Awaitable[None]: ...

    def items(self, kind: str) -> Awaitable[list[PendingItem]]: ...

    def log(self, rows: Sequence[LogRow]) -> Awaitable[None]: ...

    def purge_log(self, before: datetime) -> Awaitable[int]: ...


class RecorderDurable:
    """On the recorder's database."""

    def __init__(self, recorder: Recorder) -> None:
        self._recorder = recorder

    def put_many(self, items: Iterable[PendingItem]) -> Awaitable[None]:
        return self._recorder.store.put_many(items)

    def put(self, kind: str, key: str, payload: Mapping[str, Any],
            due: datetime | None = None) -> Awaitable[None]:
        return self._recorder.store.put(kind, key, payload, due)

    def delete(self, kind: str, key: str) -> Awaitable[None]:
        return self._recorder.store.delete(kind, key)

    def items(self, kind: str) -> Awaitable[list[PendingItem]]:
        return self._recorder.store.items(kind)

    def log(self, rows: Sequence[LogRow]) -> Awaitable[None]:
        future: asyncio.Future[None] = self._recorder.write_now(writer(rows))
        return future

    def purge_log(self, before: datetime) -> Awaitable[int]:
        future: asyncio.Future[int] = self._recorder.write_now(purger(before))
        return future


class MemoryDurable:
    """In memory only: for hubs without a recorder (nothing survives a restart)."""

    def __init__(self) -> None:
        self.saved: dict[tuple[str, str], PendingItem] = {}
        self.rows: list[LogRow] = []

    @staticmethod
    def _done(value: Any = None) -> asyncio.Future[Any]:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(value)
        return future

    def put_many(self, items: Iterable[PendingItem]) -> Awaitable[None]:
        for item in items:
            self.saved[(item.kind, item.key)] = item
        return self._done()

    def put(self, kind: str, key: str, payload: Mapping[str, Any],
            due: datetime | None = None) -> Awaitable[None]:
        return self.put_many([PendingItem(kind, key, payload, due)])

    def delete(self, kind: str, key: str) -> Awaitable[None]:
        self.saved.pop((kind, key), None)
        return self._done()

    def items(self, kind: str) -> Awaitable[list[PendingItem]]:
        return self._done([i for (k, _), i in self.saved.items() if k == kind])

    def log(self, rows: Sequence[LogRow]) -> Awaitable[None]:
        self.rows.extend(rows)
        return self._done()

    def purge_log(self, before: datetime) -> Awaitable[int]:
        kept = [r for r in self.rows if r.at >= before]
        gone, self.rows = len(self.rows) - len(kept), kept
        return self._done(gone)


def durable_for(hub: Hub) -> Durable:
    """The recorder's store when the hub has a running recorder, else memory (with a warning)."""
    for component in hub.components:
        if isinstance(component, Recorder):
            try:
                component.store  # noqa: B018 - raises when the recorder did not start
            except RuntimeError:
                break
            return RecorderDurable(component)
    _LOGGER.warning("Alerts run without a recorder: alerts and pending notifications are kept "
                    "in memory only and do not survive a restart")
    return MemoryDurable()
