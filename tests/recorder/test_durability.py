"""SIGKILL under load, twenty times: after each kill the database passes an integrity check,
at most the last commit interval of states is lost, and every pending `for:` wait and
delayed action resumes in the next run, firing at its original due time (or at once, if it
fell due while the hub was down), and only once."""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
import sqlite3
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest

DRIVER = Path(__file__).parent / "kill_driver.py"
ROUNDS = int(os.environ.get("KOZANI_KILL_ROUNDS", "20"))
COMMIT_INTERVAL = 1.0  # the recorder's default, which the driver's hub.yaml keeps
JITTER = 0.5  # scheduling of two threads on a busy machine
LINE_TIMEOUT = 30.0


@dataclass
class Round:
    """What one run of the driver said before it was killed."""

    ready: float = 0.0
    problems: list[str] = field(default_factory=list)
    armed: dict[str, float] = field(default_factory=dict)
    fired: dict[str, list[float]] = field(default_factory=dict)
    changes: int = 0
    queued: int = 0
    dropped: int = 0


class Driver:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.seen = Round()

    @classmethod
    async def start(cls, config: Path, round_no: int, log: Path) -> Driver:
        with log.open("ab") as err:
            process = await asyncio.create_subprocess_exec(
                sys.executable,
                str(DRIVER),
                str(config),
                str(round_no),
                stdout=asyncio.subprocess.PIPE,
                stderr=err,
            )
        return cls(process)

    async def read_until(self, done: Callable[[Round], bool], what: str) -> None:
        """Read lines until `done(seen)` is true; fail after LINE_TIMEOUT seconds."""
        assert self.process.stdout is not None
        deadline = time.monotonic() + LINE_TIMEOUT
        while not done(self.seen):
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"waited {LINE_TIMEOUT:.0f} s for {what}; saw {self.seen}")
            line = await asyncio.wait_for(self.process.stdout.readline(), left)
            if not line:
                raise AssertionError(f"the driver ended while waiting for {what}")
            self._note(line.decode().split(maxsplit=1))

    def _note(self, parts: list[str]) -> None:
        kind, rest = parts[0], parts[1] if len(parts) > 1 else ""
        seen = self.seen
        if kind == "READY":
            seen.ready = float(rest)
        elif kind == "RESUMED":
            seen.problems = json.loads(rest)
        elif kind == "ARMED":
            seen.armed = {item["rule"]: item["due"] for item in json.loads(rest)}
        elif kind == "FIRED":
            rule, when = rest.split()
            seen.fired.setdefault(rule, []).append(float(when))
        elif kind == "T":
            _, changes, queued, dropped = rest.split()
            seen.changes, seen.queued, seen.dropped = int(changes), int(queued), int(dropped)

    async def drain_for(self, seconds: float) -> None:
        """Keep reading (the load goes on) for `seconds`."""
        deadline = time.monotonic() + seconds
        assert self.process.stdout is not None
        while (left := deadline - time.monotonic()) > 0:
            try:
                line = await asyncio.wait_for(self.process.stdout.readline(), left)
            except TimeoutError:
                return
            self._note(line.decode().split(maxsplit=1))

    def kill(self) -> float:
        killed_at = time.time()
        os.kill(self.process.pid, signal.SIGKILL)
        return killed_at


def settled(seen: Round, *, expected: set[str], final: bool) -> bool:
    """Started, everything `expected` has fired, and (unless final) new work is on disk."""
    return seen.ready > 0 and expected <= set(seen.fired) and (final or bool(seen.armed))


def inspect(db: Path) -> tuple[str, float]:
    """(integrity check result, time of the last load state on disk)."""
    conn = sqlite3.connect(db)
    try:
        check = "; ".join(row[0] for row in conn.execute("PRAGMA integrity_check"))
        row = conn.execute(
            "SELECT MAX(s.last_updated_ts) FROM states s JOIN states_meta m "
            "ON m.metadata_id = s.metadata_id WHERE m.entity_id LIKE 'sensor.load_%'"
        ).fetchone()
        return check, float(row[0] or 0.0)
    finally:
        conn.close()


@pytest.mark.slow
async def test_sigkill_under_load_twenty_times(tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.mkdir()
    log = tmp_path / "driver.log"
    expected: dict[str, float] = {}  # armed in the previous round: rule -> due
    losses: list[float] = []
    for round_no in range(ROUNDS + 1):
        driver = await Driver.start(config, round_no, log)
        seen = driver.seen
        try:
            # Everything the previous round left has fired; this round's work is on disk.
            await driver.read_until(
                partial(settled, expected=set(expected), final=round_no == ROUNDS),
                "the previous round's work to fire and this round's to be saved",
            )
            assert seen.problems == [], seen.problems
            for rule, due in expected.items():
                (when,) = seen.fired[rule]  # once, not twice
                assert when >= due - 0.01, f"{rule} fired {due - when:.3f} s early"
                on_time = max(due, seen.ready)
                assert when <= on_time + JITTER, f"{rule} fired {when - on_time:.3f} s late"
            if round_no == ROUNDS:
                break
            # Kill while the load runs, before this round's work falls due.
            soonest = min(seen.armed.values())
            await driver.drain_for(random.uniform(0.1, max(0.1, soonest - time.time() - 0.6)))
            assert not set(seen.armed) & set(seen.fired), "killed too late: work already ran"
            killed_at = driver.kill()
        finally:
            if driver.process.returncode is None:
                driver.process.kill()
            await driver.process.wait()
        check, last_on_disk = inspect(config / "kozani.db")
        assert check == "ok", f"round {round_no}: integrity check says {check}"
        losses.append(killed_at - last_on_disk)
        assert losses[-1] <= COMMIT_INTERVAL + JITTER, (
            f"round {round_no}: the last {losses[-1]:.2f} s of states were lost "
            f"({seen.changes} changes made)"
        )
        expected = seen.armed
    print(
        f"\nSIGKILL x{ROUNDS}: states lost at most {max(losses):.2f} s "
        f"(mean {sum(losses) / len(losses):.2f} s) with a {COMMIT_INTERVAL:.0f} s commit interval"
    )
