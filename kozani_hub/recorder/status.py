"""How the recorder is doing, for the log, the status page and the benchmark."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class RecorderStatus:
    running: bool
    path: str
    on_disk: bool
    problem: str | None
    moved_to: str | None
    queued: int
    queue_max: int
    dropped: int
    rows_written: int
    failed_batches: int
    queue_peak: int = 0  # the longest the writer found its queue
