"""The Recorder component: listens to the bus, hands states and events to the writer thread,
compiles statistics and purges on the hub's scheduler, restores what a restart would lose, and
answers history and statistics queries."""

from __future__ import annotations

import asyncio
import logging
import math
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.events import EVENT_STATE_CHANGED, MATCH_ALL, Event, Unsubscribe
from kozani_hub.core.scheduler import Job
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import STATE_UNKNOWN, State

from .api import History, Statistics
from .config import RecorderConfig
from .database import OpenReport
from .filters import EntityFilter, EventFilter
from .links import PendingLink, PendingSource, StateOwner, TraceSource
from .purge import PurgeResult, purge
from .queue import WriteQueue
from .reader import ReaderThread
from .restore import RestoreData, RestoreStore, load_restore_data
from .runs import RuleRun
from .statistics.compile import MEASUREMENT, SHORT, SUM_CLASSES, SensorInfo, compile_missing
from .status import RecorderStatus
from .tasks import EVENT, RECORD, RESTORE, RULE_ENTITY, RUN, TASK, TRACE, Task
from .writer import Writer

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.recorder")
_T = TypeVar("_T")

STATE_CLASSES = frozenset({MEASUREMENT, *SUM_CLASSES})


class PurgeData(BaseModel):
    model_config = ConfigDict(extra="forbid")
    keep_days: int | None = Field(default=None, ge=0)


def resolve_path(config: RecorderConfig, config_dir: Path | None) -> Path:
    path = Path(config.db_path).expanduser()
    if path.is_absolute():
        return path
    if config_dir is None:
        raise ValueError(
            f"recorder db_path {config.db_path!r} is relative, but the hub has no configuration "
            "directory to put it in"
        )
    return config_dir / path


class Recorder:
    """History, statistics and restore data in SQLite (see the package docstring)."""

    name = "recorder"

    def __init__(self, hub: Hub, config: RecorderConfig | None = None) -> None:
        self.hub = hub
        self.config = config or RecorderConfig()
        self.path = resolve_path(self.config, hub.config_dir)
        self.restored = RestoreData()
        self._entity_filter = EntityFilter(self.config.include, self.config.exclude)
        self._event_filter = EventFilter(
            self.config.include, self.config.exclude, rule_echoes=self.config.record_rule_echoes
        )
        self._restore_domains = frozenset(self.config.restore_domains)
        self._queue = WriteQueue(self.config.queue_max, hub.clock.monotonic)
        self._writer: Writer | None = None
        self._store: RestoreStore | None = None
        self._undo: list[Unsubscribe] = []
        self._jobs: list[Job] = []
        self._running_jobs: set[asyncio.Future[Any]] = set()
        self._reader = ReaderThread()
        self._links: list[PendingLink] = []
        self.history = History(self._read)
        self.statistics = Statistics(self._read, hub.tz)

    # --- lifecycle --------------------------------------------------------------------

    async def start(self) -> None:
        """Open the database, read what the last run left, and start recording."""
        loop = asyncio.get_running_loop()
        writer = Writer(
            self.path,
            self._queue,
            self.hub.clock.now,
            self.config.commit_interval,
            loop,
            classify=self._flags_for,
        )
        self._writer = writer
        writer.start()
        report = await writer.opened
        self._store = RestoreStore(self._submit_durable, writer.pending_mirror, self.hub.clock.now)
        self.restored = await self._submit(lambda conn: load_restore_data(conn, writer.run_id))
        self._announce(report)
        self._restore_states()
        for component in self.hub.components:
            if component is not self:
                self.link(component)
        self._record_current_states()
        self._undo.append(self.hub.states.journal_to(self._queue))
        self._undo.append(
            self.hub.bus.listen(
                MATCH_ALL,
                self._on_event,
                skip_types={EVENT_STATE_CHANGED, *self._event_filter.skipped_types()},
                skip_origins=self._event_filter.skipped_origins(),
            )
        )
        self._undo.append(
            self.hub.services.register(
                "recorder", "purge", self._purge_service, PurgeData, "Delete old history now"
            )
        )
        self._schedule()
        self._compile_statistics()  # backfill whatever downtime left uncompiled

    async def stop(self) -> None:
        """Write everything queued, mark the run as ended cleanly, and close."""
        await self._shutdown(clean=True)

    async def crash(self) -> None:
        """Stop as the process dying would: nothing is marked as a clean end.

        What was queued is written first, as if the crash came just after the last commit,
        so that scenario tests do not depend on thread timing; the SIGKILL test covers the
        real thing.
        """
        await self._shutdown(clean=False)

    async def _shutdown(self, *, clean: bool) -> None:
        for link in self._links:
            await link.settle()
            link.detach()
        self._links.clear()
        for undo in reversed(self._undo):
            undo()
        self._undo.clear()
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        writer, self._writer = self._writer, None
        if writer is None:
            return
        writer.request_stop(clean=clean)
        await writer.finished
        writer.join(timeout=5.0)
        await self._reader.close()
        if self._queue.dropped:
            _LOGGER.warning(
                "Recorder dropped %d states and events in this run", self._queue.dropped
            )

    def _announce(self, report: OpenReport) -> None:
        previous = self.restored.previous_run
        if report.schema_from and report.schema_from != report.schema_to:
            _LOGGER.warning(
                "Recorder database %s upgraded from schema %d to %d",
                report.path,
                report.schema_from,
                report.schema_to,
            )
        if previous is not None and not previous.clean:
            _LOGGER.warning(
                "The previous run did not stop cleanly (last sign of life %s); restoring "
                "%d pending item(s) and %d saved state(s)",
                previous.last_alive.astimezone(self.hub.tz).isoformat(timespec="seconds"),
                len(self.restored.pending),
                len(self.restored.states),
            )
        for problem in self.restored.problems:
            _LOGGER.warning("Not restored after restart: %s", problem)

    def _restore_states(self) -> None:
        """Give entities that came up without a state their saved one back.

        An entity object that implements `restore_state(state)` is handed its saved state
        (it keeps its own value in step); a state with no entity object behind it is put
        back as it was. Entities created later ask `last_state()` themselves.
        """
        for entity_id, saved in self.restored.states.items():
            current = self.hub.states.get(entity_id)
            if current is None or current.state != STATE_UNKNOWN:
                continue
            entity = self.hub.entities.get(entity_id)
            hook = getattr(entity, "restore_state", None)
            if entity is None:
                self.hub.states.restore(saved)
            elif callable(hook):
                try:
                    hook(saved)
                except Exception:
                    _LOGGER.exception("%s could not take back its saved state", entity_id)

    def link(self, component: object) -> None:
        """Keep what `component` needs across restarts: its entities' saved states (if it
        owns a domain), its pending work, its rule runs. Components added to the hub before
        it starts are linked at start; others call this themselves once the recorder runs."""
        if self._store is None:
            raise RuntimeError("the recorder is not started")
        if isinstance(component, StateOwner):
            for entity_id, saved in self.restored.states.items():
                if entity_id.partition(".")[0] == component.name:
                    try:
                        component.restore_state(saved)
                    except Exception:
                        _LOGGER.exception("%s could not take back its saved state", entity_id)
        if isinstance(component, PendingSource):
            pending = PendingLink(self.hub, self._store, component, self.restored.pending)
            pending.attach()
            self._links.append(pending)
        if isinstance(component, TraceSource):
            self._undo.append(component.add_trace_listener(self._on_trace))

    def _on_trace(self, trace: Any) -> None:
        self._queue.put((TRACE, trace))

    def _schedule(self) -> None:
        now = self.hub.clock.now().timestamp()
        first = datetime.fromtimestamp(math.floor(now / SHORT) * SHORT + SHORT, self.hub.tz)
        scheduler = self.hub.scheduler
        self._jobs.append(
            scheduler.every(
                timedelta(seconds=SHORT),
                self._compile_statistics,
                start=first,
                name="recorder statistics",
            )
        )
        if self.config.auto_purge:
            self._jobs.append(
                scheduler.cron_fields(
                    self._nightly_purge, name="recorder purge", hour=4, minute=12, second=0
                )
            )

    # --- recording (event loop side: cheap) -------------------------------------------

    def _on_event(self, event: Event) -> None:
        """Events other than state changes (those come through the state machine's journal)."""
        if self._event_filter(event):
            self._queue.put((EVENT, event))

    def _record_current_states(self) -> None:
        """Record the states integrations set up before the recorder started (not those put
        back from the database: they were recorded before)."""
        for state in self.hub.states.all():
            if state.context.origin != "restore":
                self._queue.put(state)

    def _flags_for(self, entity_id: str) -> int:
        """How the writer treats the state changes of `entity_id` (asked once per entity)."""
        flags = RECORD if self._entity_filter(entity_id) else 0
        domain = entity_id.partition(".")[0]
        if domain in self._restore_domains:
            flags |= RESTORE
        if flags & RECORD and domain == "automation" and not self.config.record_rule_echoes:
            flags |= RULE_ENTITY
        return flags

    def record_rule_run(self, run: RuleRun) -> None:
        """Record the summary of a finished rule run."""
        self._queue.put((RUN, run))

    # --- talking to the writer --------------------------------------------------------

    def _task(self, task: Task) -> asyncio.Future[Any]:
        if self._writer is None:
            raise RuntimeError("the recorder is not running")
        self._queue.put_urgent((TASK, task))
        return task.future

    def _submit(self, fn: Callable[[sqlite3.Connection], _T]) -> asyncio.Future[_T]:
        return self._task(Task(fn, asyncio.get_running_loop()))

    def _submit_durable(self, fn: Callable[[sqlite3.Connection], _T]) -> asyncio.Future[_T]:
        return self._task(Task(fn, asyncio.get_running_loop(), commit=True, durable=True))

    def _submit_job(self, fn: Callable[[sqlite3.Connection], Any]) -> asyncio.Future[Any]:
        future = self._task(Task(fn, asyncio.get_running_loop(), job=True))
        self._running_jobs.add(future)
        future.add_done_callback(self._running_jobs.discard)
        return future

    def write_now(self, fn: Callable[[sqlite3.Connection], _T]) -> asyncio.Future[_T]:
        """Run `fn` on the writer's connection and commit it, synced to disk, at once (not in
        the next batch); the awaitable completes after the commit with fn's result.

        For writes that must be on disk before anything else happens: an alert before it is
        sent. `fn` runs inside a savepoint: if it raises, its changes are undone.
        """
        return self._submit_durable(fn)

    async def flush(self) -> None:
        """Wait until everything recorded so far, and any job under way, is committed."""
        await self._task(Task(None, asyncio.get_running_loop(), commit=True))
        while self._running_jobs:
            await asyncio.gather(*list(self._running_jobs), return_exceptions=True)
        await self._task(Task(None, asyncio.get_running_loop(), commit=True))

    @property
    def store(self) -> RestoreStore:
        """Durable pending items (timers, waiting runs, alerts)."""
        if self._store is None:
            raise RuntimeError("the recorder is not started")
        return self._store

    def last_state(self, entity_id: str) -> State | None:
        """The state a restorable entity had when the hub last stopped."""
        return self.restored.states.get(entity_id)

    @property
    def status(self) -> RecorderStatus:
        writer = self._writer
        report = writer.report if writer is not None else None
        return RecorderStatus(
            running=writer is not None,
            path=report.path if report else str(self.path),
            on_disk=report.on_disk if report else False,
            problem=report.problem if report else None,
            moved_to=report.moved_to if report else None,
            queued=len(self._queue),
            queue_max=self._queue.maxsize,
            dropped=self._queue.dropped,
            rows_written=writer.rows_written if writer else 0,
            failed_batches=writer.batches_failed if writer else 0,
            queue_peak=self._queue.high_water,
        )

    # --- statistics and purge ---------------------------------------------------------

    def statistics_sensors(self) -> list[SensorInfo]:
        """Recorded sensors that declare a state_class."""
        out = []
        for state in self.hub.states.all("sensor"):
            state_class = state.attributes.get("state_class")
            if state_class in STATE_CLASSES and self._entity_filter(state.entity_id):
                unit = state.attributes.get("unit_of_measurement")
                name = state.attributes.get("friendly_name")
                out.append(
                    SensorInfo(
                        state.entity_id,
                        state_class,
                        unit if isinstance(unit, str) else None,
                        name if isinstance(name, str) else None,
                    )
                )
        return out

    def _compile_statistics(self) -> None:
        until = math.floor(self.hub.clock.now().timestamp() / SHORT) * SHORT
        sensors = self.statistics_sensors()
        self._submit_job(lambda conn: compile_missing(conn, sensors, until))

    async def compile_statistics(self) -> None:
        """Compile the statistics of every period that has ended (normally automatic)."""
        self._compile_statistics()
        await self.flush()

    def _nightly_purge(self) -> None:
        self.purge()

    def purge(self, keep_days: int | None = None) -> asyncio.Future[PurgeResult]:
        """Delete history older than `keep_days` (default: the configured days), in chunks."""
        days = self.config.purge_keep_days if keep_days is None else keep_days
        cutoff = (self.hub.clock.now() - timedelta(days=days)).timestamp()
        writer = self._writer
        if writer is None:
            raise RuntimeError("the recorder is not running")
        return self._submit_job(lambda conn: purge(conn, cutoff, writer.rows.forget))

    async def _purge_service(self, call: ServiceCall) -> None:
        await self.purge(call.data.get("keep_days"))

    # --- queries ----------------------------------------------------------------------

    async def _read(self, fn: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run a query after everything recorded so far is committed."""
        await self.flush()
        writer = self._writer
        if writer is None or writer.report is None:
            raise RuntimeError("the recorder is not running")
        if not writer.report.on_disk:  # an in-memory database has one connection only
            return await self._submit(fn)
        return await self._reader.run(writer.report.path, writer.generation, fn)
