"""Work handed to the writer thread, and how its result gets back to the event loop."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any


class Kind(IntEnum):
    """The queue's tuples. A state change comes as the bare State (or StateRemoved) that the
    state machine appends: the state machine keeps the State alive anyway."""

    EVENT = 2  # (EVENT, Event)
    RUN = 3  # (RUN, RuleRun)
    TASK = 4  # (TASK, Task)
    TRACE = 5  # (TRACE, a finished trace of the rules engine)


# Plain ints for the event loop's side: cheaper to read than enum members.
EVENT, RUN, TASK, TRACE = (int(k) for k in Kind)


RECORD = 1
RESTORE = 2
RULE_ENTITY = 4  # automation.*: attribute-only updates echo the rule run record

TaskFn = Callable[[sqlite3.Connection], Any]
Job = Generator[None, None, Any]


def _retrieve(future: asyncio.Future[Any]) -> None:
    # A caller may fire and forget; the error is then only logged, not "never retrieved".
    if not future.cancelled():
        future.exception()


@dataclass(slots=True)
class Task:
    """A function to run on the writer's connection.

    commit: the result is delivered only after it is committed.
    durable: that commit is synced to disk (synchronous=FULL), surviving a power cut.
    job: the function returns a generator, advanced one step at a time between batches of
         writes (long work such as a purge, which must not stall the hub).
    """

    fn: TaskFn | None
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[Any] = field(init=False)
    commit: bool = False
    durable: bool = False
    job: bool = False
    result: Any = None

    def __post_init__(self) -> None:
        self.future = self.loop.create_future()
        self.future.add_done_callback(_retrieve)

    def succeed(self, result: Any) -> None:
        self._deliver(lambda: self.future.set_result(result))

    def fail(self, error: BaseException) -> None:
        self._deliver(lambda: self.future.set_exception(error))

    def _deliver(self, action: Callable[[], None]) -> None:
        def apply() -> None:
            if not self.future.done():
                action()

        # When the loop is closed nobody is waiting any more.
        with contextlib.suppress(RuntimeError):
            self.loop.call_soon_threadsafe(apply)
