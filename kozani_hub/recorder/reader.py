"""Queries run on a reader thread with its own read-only connection, so a long history query
never holds up the writer (WAL lets both work at once)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from .database import connect

_T = TypeVar("_T")


class ReaderThread:
    """One thread, one connection; reopened when the writer moved to a fresh file."""

    def __init__(self) -> None:
        self._executor: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None
        self._opened_for: tuple[str, int] | None = None

    async def run(self, path: str, generation: int, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="kozani-recorder-reader")
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._call, path, generation, fn)

    def _call(self, path: str, generation: int, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        if self._conn is None or self._opened_for != (path, generation):
            self._close_conn()
            self._conn = connect(path, readonly=True)
            self._opened_for = (path, generation)
        self._conn.execute("BEGIN")
        try:
            return fn(self._conn)
        finally:
            self._conn.execute("ROLLBACK")

    def _close_conn(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def close(self) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        await asyncio.get_running_loop().run_in_executor(executor, self._close_conn)
        executor.shutdown(wait=True)
