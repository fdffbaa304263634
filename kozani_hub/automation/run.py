"""One run of a rule's actions: started without a task, and given one only if it must wait.

Most runs call a service or two and end: they run to completion inside the trigger's
callback, with no task and no trip through the event loop. `drive()` steps the run's
coroutine by hand; at the first step that really waits (a delay, a slow device), the rest is
handed to a task that carries on exactly where the coroutine stopped.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.core.context import Context

from .actions.base import (
    NotResumable,
    RunCancelled,
    Scope,
    StepFailed,
    StopRun,
    describe_error,
    resume_steps,
    run_steps,
)
from .persist import to_plain, unplainable
from .trace import Outcome, Trace

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

    from .automation import Automation
    from .env import Env


def drive(coro: Coroutine[Any, Any, None], hub: Hub, name: str) -> asyncio.Task[None] | None:
    """Run `coro` now until it finishes or first waits; in that case, finish it in a task."""
    try:
        yielded = coro.send(None)
    except StopIteration:
        return None
    task = hub.create_task(_carry_on(coro, yielded), name=name)
    task.add_done_callback(lambda _: _close(coro))
    return task


def _close(coro: Coroutine[Any, Any, None]) -> None:
    """End `coro` if its task was cancelled before it could carry on (its finally blocks run)."""
    if inspect.getcoroutinestate(coro) == inspect.CORO_CLOSED:
        return
    try:
        coro.throw(asyncio.CancelledError())
    except (StopIteration, asyncio.CancelledError):
        pass
    else:
        coro.close()


async def _carry_on(coro: Coroutine[Any, Any, None], yielded: Any) -> None:
    """Continue a coroutine that `drive` started, as if it had run in this task all along."""
    while True:
        own_error: BaseException | None = None
        if yielded is None:
            try:
                await asyncio.sleep(0)  # a bare yield: give the loop one turn
            except BaseException as err:
                own_error = err
        else:
            # What a task does with a future its coroutine yields: take it as awaited here.
            yielded._asyncio_future_blocking = False
            try:
                await yielded
            except BaseException as err:
                # An outcome of the awaited future is read by `coro` itself on the next send;
                # anything else (this task being cancelled) is passed into `coro`.
                if not yielded.done() or (
                    isinstance(err, asyncio.CancelledError) and not yielded.cancelled()
                ):
                    own_error = err
        try:
            yielded = coro.send(None) if own_error is None else coro.throw(own_error)
        except StopIteration:
            return


class Run:
    """A run of one rule's actions, with its variables, context and trace."""

    __slots__ = ("automation", "cancel_reason", "cancelled", "context", "env", "loops", "scope",
                 "task", "trace", "waits")

    def __init__(
        self,
        automation: Automation,
        env: Env,
        context: Context,
        variables: dict[str, Any],
        trace: Trace,
    ) -> None:
        self.automation = automation
        self.env = env
        self.context = context
        self.scope = Scope(variables)
        self.trace = trace
        self.task: asyncio.Task[None] | None = None
        self.cancelled = False
        self.cancel_reason = ""
        self.waits: dict[str, tuple[dict[str, Any], Scope]] | None = None
        self.loops: dict[str, dict[str, Any]] | None = None

    @property
    def variables(self) -> dict[str, Any]:
        return self.scope.vars

    async def execute(self, resume: Mapping[str, Any] | None = None) -> None:
        """Run the actions (or continue a saved run); never raises."""
        outcome, reason = Outcome.FINISHED, None
        rule = self.automation.rule
        try:
            if resume is not None and resume.get("path"):
                await resume_steps(rule.actions, "action", self, self.scope,
                                   path=str(resume["path"]), item=resume)
            else:
                await run_steps(rule.actions, self, self.scope)
        except StopRun as stop:
            outcome, reason = stop.outcome, stop.reason
            if stop.error:
                self.trace.fail(None, stop.reason)
                self.automation.log_failure(None, stop.reason)
        except StepFailed as failed:
            outcome = Outcome.ERROR
            message = describe_error(failed.error)
            self.trace.fail(failed.path, message)
            self.automation.log_failure(failed.path, message)
        except (RunCancelled, asyncio.CancelledError):
            outcome, reason = Outcome.CANCELLED, self.cancel_reason or "stopped"
        except NotResumable as err:
            outcome, reason = Outcome.ERROR, str(err)
            self.trace.fail(None, str(err))
            self.automation.log_failure(None, str(err))
        except Exception as err:
            outcome = Outcome.ERROR
            self.trace.fail(None, describe_error(err))
            self.env.logger.exception("Rule %s failed unexpectedly", rule.id)
        finally:
            variables = self.scope.vars
            # The trace keeps the variables; `this` (the rule's own state when it started) would
            # keep a whole State alive per trace for nothing the trace shows.
            variables.pop("this", None)
            self.trace.finish(self.env.clock.now(), outcome, variables, reason=reason)
            self.automation.run_ended(self)

    def cancel(self, reason: str) -> None:
        """Stop the run at its next step (at once, if it is waiting)."""
        self.cancelled = True
        self.cancel_reason = reason
        if self.task is not None and not self.task.done():
            self.task.cancel()

    # --- waiting, described for the recorder ---------------------------------------------

    def waiting(self, path: str, scope: Scope, info: dict[str, Any]) -> None:
        """Note that the step at `path` waits (delay, wait_template, wait_for_trigger)."""
        if self.waits is None:
            self.waits = {}
        self.waits[path] = (info, scope)
        self.env.on_pending_change()

    def done_waiting(self, path: str) -> None:
        if self.waits is not None and self.waits.pop(path, None) is not None:
            self.env.on_pending_change()

    def loop_state(self, path: str, state: dict[str, Any] | None) -> None:
        """Note (or forget) where a repeat loop stands, so a saved run can continue it."""
        if state is None:
            if self.loops is not None:
                self.loops.pop(path, None)
            return
        if self.loops is None:
            self.loops = {}
        self.loops[path] = state

    def snapshot(self) -> list[dict[str, Any]]:
        """Each wait of this run as plain data (none when the run is not waiting)."""
        items = []
        for path, (info, scope) in (self.waits or {}).items():
            variables = {k: v for k, v in scope.vars.items() if k != "this"}
            items.append({
                "kind": "run",
                "path": path,
                "wait": to_plain(info),
                "variables": to_plain(variables),
                "dropped": unplainable(variables),
                "loops": to_plain(self.loops or {}),
                "context": {"id": self.context.id, "parent_id": self.context.parent_id},
                "started": self.trace.started.isoformat(),
                "parallel": len(self.waits or ()) > 1,
            })
        return items
