"""The one writer: a thread with its own connection that turns queued states, events and rule
runs into rows, commits at least every `commit_interval` seconds, runs long jobs (purge,
statistics backfill) a step at a time between batches, and survives a database going bad."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from .batch import Batch, Picks, write_restores
from .database import OpenReport, move_aside, open_database, open_memory
from .queue import WriteQueue
from .rows import UPSERT_RESTORE_STATES, RowBuilder
from .runs import TraceRows
from .tasks import Job, Task

_LOGGER = logging.getLogger("kozani_hub.recorder")

BATCH = 5000
HEARTBEAT = 5.0
# Between batches the writer waits this long for more (unless woken by a durable write): it
# works in bursts, handing the interpreter lock to and fro less often than row by row.
PACE = 0.2
FAILURES_BEFORE_FRESH = 3
_CORRUPT_WORDS = ("malformed", "not a database", "disk image", "corrupt")


class _TaskFailed(Exception):
    """The task's function failed; the task has been told, the batch goes on."""


def _is_corruption(err: sqlite3.Error) -> bool:
    text = str(err).lower()
    return any(word in text for word in _CORRUPT_WORDS)


class Writer(threading.Thread):
    """Owns the database connection; everything here runs on the writer thread except
    `request_stop`."""

    def __init__(
        self,
        path: Path,
        queue: WriteQueue,
        now: Callable[[], datetime],
        commit_interval: float,
        loop: asyncio.AbstractEventLoop,
        *,
        classify: Callable[[str], int],
    ) -> None:
        super().__init__(name="kozani-recorder-writer", daemon=True)
        self.path = path
        self.queue = queue
        self.now = now
        self.commit_interval = commit_interval
        self.loop = loop
        self.opened: asyncio.Future[OpenReport] = loop.create_future()
        self.finished: asyncio.Future[None] = loop.create_future()
        self.report: OpenReport | None = None
        self.conn: sqlite3.Connection | None = None
        self.run_id = 0
        self.generation = 0  # bumped when the file is replaced by a fresh one
        self.rows = RowBuilder()
        self.picks = Picks(classify)
        self.trace_rows = TraceRows()
        # Rows short of a whole statement wait here for the next batch (until a commit or a
        # task): each statement then has the one cached shape, not a new one to compile.
        self.batch = Batch(self.rows, picks=self.picks, traces=self.trace_rows)
        self.failures = 0
        self.batches_failed = 0
        self.rows_written = 0
        # What must be rewritten if the file is replaced by a fresh one mid-run.
        self.pending_mirror: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.restore_mirror: dict[str, tuple[Any, ...]] = {}
        self.on_fresh_database: list[Callable[[sqlite3.Connection], None]] = []
        self._jobs: deque[tuple[Job, Task]] = deque()
        self._awaiting_commit: list[Task] = []
        self._in_tx = False
        self._last_commit = time.monotonic()
        self._last_alive = 0.0
        self._stop_mode: bool | None = None  # None: running; True: clean; False: as a crash

    # --- lifecycle (called from the event loop) ---------------------------------------

    def request_stop(self, *, clean: bool) -> None:
        self._stop_mode = clean
        self.queue.wake.set()

    # --- the thread -------------------------------------------------------------------

    def run(self) -> None:
        try:
            self._open()
        except BaseException as err:  # pragma: no cover - open_database never raises
            self._deliver(self.opened, exception=err)
            self._deliver(self.finished, None)
            return
        self._deliver(self.opened, self.report)
        try:
            self._main_loop()
        except BaseException:
            _LOGGER.exception("Recorder writer stopped on an unexpected error")
        finally:
            self._close()
            self._deliver(self.finished, None)

    def _deliver(
        self,
        future: asyncio.Future[Any],
        result: Any = None,
        exception: BaseException | None = None,
    ) -> None:
        def apply() -> None:
            if future.done():
                return
            if exception is not None:
                future.set_exception(exception)
            else:
                future.set_result(result)

        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(apply)

    def _open(self) -> None:
        self.conn, self.report = open_database(self.path, self.now())
        self.rows.start(self.conn)
        self._start_run()

    def _start_run(self) -> None:
        assert self.conn is not None
        now_ts = self.now().timestamp()
        self.conn.execute("BEGIN")
        cursor = self.conn.execute(
            "INSERT INTO recorder_runs (start_ts, last_alive_ts) VALUES (?, ?)", (now_ts, now_ts)
        )
        self.conn.execute("COMMIT")
        self.run_id = int(cursor.lastrowid or 0)
        self._last_alive = time.monotonic()

    def _main_loop(self) -> None:
        queue = self.queue
        while True:
            items = queue.drain(BATCH)
            if items:
                self._guarded(self._process, items)
                if queue.dropped:
                    queue.note_caught_up()
            working = bool(self._jobs) and self._stop_mode is None
            if working:
                self._guarded(self._step_job)
            self._guarded(self._maybe_commit)
            if self._stop_mode is not None and not len(queue):
                break
            if len(queue) < BATCH and not working:
                queue.wake.wait(self._wait_time())
                queue.wake.clear()
        self._guarded(self._final_commit)

    def _wait_time(self) -> float:
        if self._in_tx:
            left = self.commit_interval - (time.monotonic() - self._last_commit)
            return max(0.0, min(PACE, left))
        return PACE

    def _guarded(self, action: Callable[..., None], *args: Any) -> None:
        try:
            action(*args)
        except sqlite3.Error as err:
            self._recover(err)

    # --- writing ----------------------------------------------------------------------

    def _begin(self) -> sqlite3.Connection:
        conn = self.conn
        assert conn is not None
        if not self._in_tx:
            conn.execute("BEGIN")
            self._in_tx = True
        return conn

    def _process(self, items: list[Any]) -> None:
        conn = self._begin()
        batch = self.batch
        at, end = 0, len(items)
        while at < end:
            at = batch.add(conn, items, at)
            if at < end:  # a task: what came before it is written first
                self.rows_written += batch.write(conn)
                self._run_task(conn, items[at][1])
                conn = self._begin()
                at += 1
        self.rows_written += batch.write(conn, whole_statements_only=True)

    def _run_task(self, conn: sqlite3.Connection, task: Task) -> None:
        if task.durable:
            self._run_durable(task)
            return
        try:
            result = self._in_savepoint(conn, task)
        except _TaskFailed:
            return
        if task.job:
            self._jobs.append((cast(Job, result), task))
        elif task.commit:
            task.result = result
            self._awaiting_commit.append(task)
            self._commit()
        else:
            task.succeed(result)

    def _run_durable(self, task: Task) -> None:
        """Commit the batch so far, then run the task in a transaction of its own that is
        synced to disk (the safety level cannot change inside a transaction)."""
        if self._in_tx:
            self._commit()
        conn = self.conn
        assert conn is not None
        conn.execute("PRAGMA synchronous = FULL")
        try:
            self._begin()
            try:
                task.result = self._in_savepoint(conn, task)
            except _TaskFailed:
                self._commit()
                return
            self._awaiting_commit.append(task)
            self._commit()
        finally:
            if not self._in_tx:
                conn.execute("PRAGMA synchronous = NORMAL")

    def _in_savepoint(self, conn: sqlite3.Connection, task: Task) -> Any:
        try:
            conn.execute("SAVEPOINT task")
            result = task.fn(conn) if task.fn is not None else None
            conn.execute("RELEASE task")
        except sqlite3.Error as err:
            if _is_corruption(err):
                task.fail(err)
                raise
            self._undo_task(conn)
            task.fail(err)
            raise _TaskFailed from err
        except Exception as err:
            self._undo_task(conn)
            task.fail(err)
            raise _TaskFailed from err
        return result

    @staticmethod
    def _undo_task(conn: sqlite3.Connection) -> None:
        conn.execute("ROLLBACK TO task")
        conn.execute("RELEASE task")

    def _step_job(self) -> None:
        job, task = self._jobs[0]
        self._begin()
        try:
            next(job)
        except StopIteration as done:
            self._jobs.popleft()
            task.succeed(done.value)
        except sqlite3.Error:
            self._jobs.popleft()
            raise
        except Exception as err:
            self._jobs.popleft()
            _LOGGER.exception("Recorder job failed")
            task.fail(err)

    # --- committing -------------------------------------------------------------------

    def _maybe_commit(self) -> None:
        now = time.monotonic()
        if self._in_tx and now - self._last_commit >= self.commit_interval:
            # What came in meanwhile goes into this commit: a crash loses one interval at most.
            late = self.queue.drain(BATCH)
            if late:
                self._process(late)
            self._commit()
        elif not self._in_tx and now - self._last_alive >= HEARTBEAT:
            self._begin()
            self._commit()

    def _commit(self) -> None:
        conn = self._begin()
        self.rows_written += self.batch.write(conn)
        write_restores(conn, self.picks.restores, self.restore_mirror)
        conn.execute(
            "UPDATE recorder_runs SET last_alive_ts = ? WHERE run_id = ?",
            (self.now().timestamp(), self.run_id),
        )
        conn.execute("COMMIT")
        self._in_tx = False
        self._last_commit = self._last_alive = time.monotonic()
        self.failures = 0
        waiting, self._awaiting_commit = self._awaiting_commit, []
        for task in waiting:
            task.succeed(task.result)

    def _final_commit(self) -> None:
        for _, task in self._jobs:
            task.fail(RuntimeError("the recorder stopped before this job finished"))
        self._jobs.clear()
        conn = self._begin()
        if self._stop_mode:
            now_ts = self.now().timestamp()
            conn.execute(
                "UPDATE recorder_runs SET end_ts = ?, closed_cleanly = 1 WHERE run_id = ?",
                (now_ts, self.run_id),
            )
        self._commit()

    def _close(self) -> None:
        conn, self.conn = self.conn, None
        if conn is None:
            return
        try:
            if self._in_tx:
                conn.execute("ROLLBACK")
            if self._stop_mode and self.report is not None and self.report.on_disk:
                conn.execute("PRAGMA optimize")
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except sqlite3.Error:
            _LOGGER.debug("Tidying the database on stop failed", exc_info=True)
        conn.close()

    # --- when the database goes bad -----------------------------------------------------

    def _recover(self, err: sqlite3.Error) -> None:
        lost = len(self._awaiting_commit)
        for task in self._awaiting_commit:
            task.fail(err)
        self._awaiting_commit = []
        self.batches_failed += 1
        self.failures += 1
        if self.conn is not None:
            with contextlib.suppress(sqlite3.Error):
                if self._in_tx:
                    self.conn.execute("ROLLBACK")
                self.conn.execute("PRAGMA synchronous = NORMAL")
                # Ids handed out in the undone transaction do not exist: number afresh.
                self.rows.start(self.conn)
        self.batch = Batch(self.rows, picks=self.picks, traces=self.trace_rows)
        self._in_tx = False
        self._last_commit = time.monotonic()
        if _is_corruption(err) or self.failures >= FAILURES_BEFORE_FRESH:
            self._replace_database(err)
            return
        _LOGGER.error(
            "Recorder could not write to %s (%s); the last second of history is lost%s. "
            "Trying again",
            self.path,
            err,
            f" and {lost} saved item(s) failed" if lost else "",
        )

    def _replace_database(self, err: sqlite3.Error) -> None:
        old, self.conn = self.conn, None
        if old is not None:
            with contextlib.suppress(sqlite3.Error):
                old.close()
        on_disk = self.report is not None and self.report.on_disk
        moved = move_aside(self.path, self.now()) if on_disk else None
        _LOGGER.error(
            "Recorder database %s went bad while running (%s)%s; continuing on a fresh database",
            self.path,
            err,
            f"; moved aside to {moved}" if moved else "",
        )
        if on_disk:
            self.conn, report = open_database(self.path, self.now())
            self.report = replace(
                report, problem=report.problem or str(err), moved_to=str(moved) if moved else None
            )
        else:
            self.conn, _ = open_memory(self.now(), str(err))
        self.failures = 0
        self.generation += 1
        self.rows.start(self.conn)
        self._start_run()
        self._rewrite_mirrors()

    def _rewrite_mirrors(self) -> None:
        conn = self._begin()
        UPSERT_RESTORE_STATES.run(conn, list(self.restore_mirror.values()))
        conn.executemany(
            "INSERT OR REPLACE INTO pending (kind, key, payload, due_ts, updated_ts) "
            "VALUES (?, ?, ?, ?, ?)",
            self.pending_mirror.values(),
        )
        for hook in self.on_fresh_database:
            hook(conn)
        self._commit()
