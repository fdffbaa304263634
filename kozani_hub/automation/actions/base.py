"""What every action step is, and how a sequence of steps runs, fails, stops and resumes.

A step is a compiled, immutable object with a `path` (`action/2/then/0`) that names it in
traces and errors. `run_steps` runs a sequence: it skips disabled steps, records an error at
the step that raised it, and lets `continue_on_error` carry on past errors raised by the
service or the device, never past a mistake in the rule (an unknown service, bad data).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from kozani_hub.config.marked import Mark
from kozani_hub.core.services import ServiceNotFound, ServiceValidationError

from ..fields import Model
from ..trace import Outcome

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..run import Run


class StepConfig(Model):
    """Keys every action step accepts."""

    alias: str | None = None
    enabled: bool = True
    continue_on_error: bool = False


class Scope:
    """The variables one part of a run sees.

    The run has one top scope; `repeat` opens a child scope holding its own `repeat` variable.
    As in Home Assistant (2025.4 and later), setting a variable updates it where it is
    defined, and a new one is created at the top, so a loop can accumulate a result.
    """

    __slots__ = ("local", "parent", "vars")

    def __init__(
        self, variables: dict[str, Any], parent: Scope | None = None, local: frozenset[str] = (
            frozenset()
        )
    ) -> None:
        self.vars = variables
        self.parent = parent
        self.local = local

    def child(self, local: Mapping[str, Any]) -> Scope:
        return Scope({**self.vars, **local}, self, frozenset(local))

    def set(self, name: str, value: Any) -> None:
        scope: Scope | None = self
        while scope is not None:
            scope.vars[name] = value
            if name in scope.local:
                return
            scope = scope.parent


class StopRun(Exception):
    """Ends the run early: a `stop` step, a false `condition` step, a wait that timed out."""

    def __init__(self, outcome: Outcome, reason: str, *, error: bool = False) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason
        self.error = error


class RunCancelled(Exception):
    """The run was stopped from outside (mode restart, rule turned off) between two steps."""


class NotResumable(Exception):
    """A saved run cannot be continued at the saved step."""


class StepFailed(Exception):
    """A step raised; carries the path of the step where it happened."""

    def __init__(self, path: str, error: BaseException) -> None:
        super().__init__(f"{path}: {error}")
        self.path = path
        self.error = error


def saved_due(item: Mapping[str, Any]) -> datetime | None:
    """The instant a saved wait falls due, if it has one."""
    wait = item.get("wait") or {}
    text = wait.get("due") if isinstance(wait, Mapping) else None
    return datetime.fromisoformat(text) if isinstance(text, str) else None


def describe_error(error: BaseException) -> str:
    text = str(error)
    return f"{type(error).__name__}: {text}" if not text or len(text) < 4 else text


def continuable(error: BaseException) -> bool:
    """Whether `continue_on_error` may pass over this error (not over a mistake in the rule)."""
    return not isinstance(error, ServiceNotFound | ServiceValidationError | StopRun)


class Step:
    """A compiled action step."""

    __slots__ = ("alias", "continue_on_error", "enabled", "path")
    kind: ClassVar[str]
    Config: ClassVar[type[StepConfig]]

    def __init__(self, path: str, config: StepConfig) -> None:
        self.path = path
        self.alias = config.alias
        self.enabled = config.enabled
        self.continue_on_error = config.continue_on_error

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        """Turn a checked config into the runtime step (raise Invalid on problems)."""
        raise NotImplementedError

    async def run(self, run: Run, scope: Scope) -> None:
        raise NotImplementedError

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        """Continue this step from a saved run; `rest` is the path below this step."""
        raise NotResumable(f"a run cannot be continued inside a {self.kind} step")


async def run_steps(steps: tuple[Step, ...], run: Run, scope: Scope) -> None:
    """Run steps in order."""
    for step in steps:
        if run.cancelled:
            raise RunCancelled
        if not step.enabled:
            run.trace.step(step.path, run.env.clock.now(), "disabled")
            continue
        try:
            await step.run(run, scope)
        except (StopRun, RunCancelled, asyncio.CancelledError):
            raise
        except StepFailed as failed:
            if not (step.continue_on_error and continuable(failed.error)):
                raise
        except Exception as err:
            run.trace.step(step.path, run.env.clock.now(), None, describe_error(err))
            if not (step.continue_on_error and continuable(err)):
                raise StepFailed(step.path, err) from err


async def resume_steps(
    steps: tuple[Step, ...], prefix: str, run: Run, scope: Scope, *, path: str,
    item: Mapping[str, Any],
) -> None:
    """Continue a sequence from the saved step at `path` (below `prefix`), then the rest."""
    rest = path[len(prefix) + 1:] if path.startswith(prefix + "/") else ""
    head, _, below = rest.partition("/")
    if not head.isdigit() or int(head) >= len(steps):
        raise NotResumable(f"the rule has no step {path}")
    index = int(head)
    step = steps[index]
    try:
        await step.resume(run, scope, below, item)
    except (StopRun, RunCancelled, NotResumable, StepFailed, asyncio.CancelledError):
        raise
    except Exception as err:
        run.trace.step(step.path, run.env.clock.now(), None, describe_error(err))
        if not (step.continue_on_error and continuable(err)):
            raise StepFailed(step.path, err) from err
    await run_steps(steps[index + 1:], run, scope)
