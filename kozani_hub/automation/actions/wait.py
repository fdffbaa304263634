"""Steps that wait: `delay`, `wait_template` and `wait_for_trigger` (with `timeout`).

Every wait is on the hub's clock and is noted on the run while it lasts, so the recorder can
save it and a restart can continue it at the same instant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.context import Context

from ..durations import format_duration
from ..fields import Duration, TemplateText, Triggers
from ..problems import mark_of
from ..trace import Outcome
from ..triggers import Trigger, attach_all, compile_triggers
from ..watch import TemplateWatch, truthy
from .base import Scope, Step, StepConfig, StopRun, saved_due

if TYPE_CHECKING:
    from kozani_hub.templates import RenderInfo, Template

    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..run import Run


class DelayStepConfig(StepConfig):
    label = "delay"
    delay: Duration


class DelayStep(Step):
    kind = "delay"
    Config = DelayStepConfig
    __slots__ = ("duration",)

    def __init__(self, path: str, config: StepConfig, duration: DurationSpec) -> None:
        super().__init__(path, config)
        self.duration = duration

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: DelayStepConfig = config
        return cls(path, cfg, compiler.duration(cfg.delay, mark_of(data, "delay", mark), "delay"))

    async def run(self, run: Run, scope: Scope) -> None:
        started = run.env.clock.now()
        period = self.duration.resolve(scope.vars)
        await self._until(run, scope, started + period)
        run.trace.step(self.path, started, {"delay": format_duration(period)})

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        due = saved_due(item) or run.env.clock.now()
        await self._until(run, scope, due)
        run.trace.step(self.path, run.env.clock.now(), {"delay": "resumed after a restart"})

    async def _until(self, run: Run, scope: Scope, due: datetime) -> None:
        if due <= run.env.clock.now():
            return
        run.waiting(self.path, scope, {"kind": "delay", "due": due.isoformat()})
        try:
            await run.env.clock.sleep_until(due)
        finally:
            run.done_waiting(self.path)


class _Wait(Step):
    """What wait_template and wait_for_trigger share: the timeout and the `wait` variable."""

    __slots__ = ("continue_on_timeout", "timeout")

    def __init__(
        self, path: str, config: Any, timeout: DurationSpec | None
    ) -> None:
        super().__init__(path, config)
        self.timeout = timeout
        self.continue_on_timeout: bool = config.continue_on_timeout

    def due(self, run: Run, scope: Scope) -> datetime | None:
        if self.timeout is None:
            return None
        return run.env.clock.now() + self.timeout.resolve(scope.vars)

    async def wait(self, run: Run, scope: Scope, due: datetime | None) -> Any:
        """Wait for `ready()` or the timeout; return what `ready` produced, or None."""
        raise NotImplementedError

    async def run(self, run: Run, scope: Scope) -> None:
        started = run.env.clock.now()
        await self._finish(run, scope, started, self.due(run, scope))

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        await self._finish(run, scope, run.env.clock.now(), saved_due(item))

    async def _finish(
        self, run: Run, scope: Scope, started: datetime, due: datetime | None
    ) -> None:
        outcome = await self.wait(run, scope, due)
        remaining = None
        if due is not None:
            remaining = max(0.0, (due - run.env.clock.now()).total_seconds())
        completed = outcome is not None and outcome is not False
        wait = {"completed": completed, "remaining": remaining}
        if isinstance(self, WaitForTriggerStep):
            wait["trigger"] = outcome if completed else None
        scope.set("wait", wait)
        run.trace.step(self.path, started, {"completed": completed, "remaining": remaining})
        if not completed and not self.continue_on_timeout:
            raise StopRun(Outcome.STOPPED, f"{self.path} timed out")

    async def _await(
        self, run: Run, scope: Scope, future: asyncio.Future[Any], due: datetime | None, kind: str
    ) -> Any:
        timer = None
        if due is not None:
            def timed_out() -> None:
                if not future.done():
                    future.set_result(None)

            timer = run.env.clock.call_at(due, timed_out)
        run.waiting(self.path, scope, {
            "kind": kind, "due": due.isoformat() if due is not None else None
        })
        try:
            return await future
        finally:
            if timer is not None:
                timer.cancel()
            run.done_waiting(self.path)


class WaitTemplateStepConfig(StepConfig):
    label = "wait_template"
    wait_template: TemplateText
    timeout: Duration | None = None
    continue_on_timeout: bool = Field(True, description="go on after a timeout (default true)")


class WaitTemplateStep(_Wait):
    kind = "wait_template"
    Config = WaitTemplateStepConfig
    __slots__ = ("template",)

    def __init__(
        self, path: str, config: Any, timeout: DurationSpec | None, template: Template
    ) -> None:
        super().__init__(path, config, timeout)
        self.template = template

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: WaitTemplateStepConfig = config
        timeout = compiler.duration(cfg.timeout, mark, "timeout") if cfg.timeout is not None \
            else None
        where = mark_of(data, "wait_template", mark)
        return cls(path, cfg, timeout, compiler.template(cfg.wait_template, where,
                                                         "wait_template"))

    async def wait(self, run: Run, scope: Scope, due: datetime | None) -> Any:
        env = run.env
        if truthy(self.template.render(scope.vars, parse_result=False)):
            return True
        if due is not None and due <= env.clock.now():
            return None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def result(info: RenderInfo, event: Any) -> None:
            if info.error is None and truthy(info.result) and not future.done():
                future.set_result(True)

        watch = TemplateWatch(env, self.template, scope.vars, result)
        first = watch.start()
        if first.error is None and truthy(first.result):
            watch.stop()
            return True
        try:
            return await self._await(run, scope, future, due, "wait_template")
        finally:
            watch.stop()


class WaitForTriggerStepConfig(StepConfig):
    label = "wait_for_trigger"
    wait_for_trigger: Triggers
    timeout: Duration | None = None
    continue_on_timeout: bool = Field(True, description="go on after a timeout (default true)")


class WaitForTriggerStep(_Wait):
    kind = "wait_for_trigger"
    Config = WaitForTriggerStepConfig
    __slots__ = ("triggers",)

    def __init__(
        self, path: str, config: Any, timeout: DurationSpec | None,
        triggers: tuple[Trigger, ...],
    ) -> None:
        super().__init__(path, config, timeout)
        self.triggers = triggers

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: WaitForTriggerStepConfig = config
        timeout = compiler.duration(cfg.timeout, mark, "timeout") if cfg.timeout is not None \
            else None
        triggers = compile_triggers(compiler, cfg.wait_for_trigger, f"{path}/wait_for_trigger",
                                    mark_of(data, "wait_for_trigger", mark))
        return cls(path, cfg, timeout, triggers)

    async def wait(self, run: Run, scope: Scope, due: datetime | None) -> Any:
        if due is not None and due <= run.env.clock.now():
            return None
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def fired(data: dict[str, Any], context: Context | None) -> None:
            if not future.done():
                future.set_result(data)

        attachments = attach_all(self.triggers, run.env, scope.vars, fired)
        try:
            return await self._await(run, scope, future, due, "wait_for_trigger")
        finally:
            for attachment in attachments:
                if attachment is not None:
                    attachment.detach()
