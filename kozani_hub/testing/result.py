"""What running a scenario found."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path

from .expectations import Failure
from .model import Step


@dataclass(frozen=True, slots=True)
class StepFailure:
    """The step that stopped a scenario, what it expected, and what the hub did meanwhile."""

    index: int
    step: Step
    when: datetime
    tz: tzinfo
    failures: tuple[Failure, ...] = ()
    error: str | None = None
    traces: tuple[str, ...] = ()
    log: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ScenarioResult:
    """The outcome of one scenario file."""

    path: Path
    name: str
    failure: StepFailure | None = None
    problem: str | None = None
    steps_run: int = 0
    steps_total: int = 0

    @property
    def passed(self) -> bool:
        return self.failure is None and self.problem is None
