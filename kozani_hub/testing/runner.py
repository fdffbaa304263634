"""Run a scenario: build the hub on simulated time, play the steps, check the expectations."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kozani_hub.config.errors import ConfigError
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.core.context import Context
from kozani_hub.core.services import ServiceError
from kozani_hub.core.states import InvalidEntityId

from .devices import ScriptedServices, SimulatedDevices
from .expectations import Failure, Observation
from .hubs import HubFactory, ScenarioEnvironment, config_hub, crash
from .logs import LogCapture
from .model import (
    AfterStep,
    AtStep,
    CallStep,
    EventStep,
    ExpectStep,
    RestartStep,
    Scenario,
    SetStep,
    Step,
    WebhookStep,
)
from .parse import load_scenario
from .recording import Recorder
from .result import ScenarioResult, StepFailure
from .timeparse import parse_instant
from .traces import TraceWatch, engine_of

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DEFAULT_START = "2026-01-15T12:00:00"
_STEP_ERRORS = (ServiceError, InvalidEntityId, ValueError, TimeoutError)


class StepError(Exception):
    """A step that could not be carried out; the text says why."""


async def run_scenario(
    path: Path,
    config_dir: Path | None = None,
    *,
    fallback_config: Path | None = None,
    hub_factory: HubFactory | None = None,
) -> ScenarioResult:
    """Read and run one scenario file.

    The configuration is `config_dir` when given, else the scenario's own `config:`, else
    `fallback_config`; with none, the hub runs its core alone.
    """
    path = Path(path)
    try:
        scenario = load_scenario(path)
    except ConfigError as err:
        return ScenarioResult(path, path.stem, problem=str(err))
    config = config_dir or scenario.config or fallback_config
    with tempfile.TemporaryDirectory(prefix="kozani-scenario-") as workdir:
        env = ScenarioEnvironment(config, Path(workdir))
        runner = ScenarioRunner(scenario, env, hub_factory or config_hub)
        return await runner.run()


class ScenarioRunner:
    """Plays one scenario against a hub it builds (and rebuilds at each restart)."""

    def __init__(self, scenario: Scenario, env: ScenarioEnvironment, factory: HubFactory) -> None:
        self.scenario = scenario
        self.env = env
        self._factory = factory
        self._recorder = Recorder()
        self._log = LogCapture()
        self._traces = TraceWatch()
        self._device_entities: set[str] = set()
        self._keep: set[asyncio.Task[Any]] = set()
        self._clock: SimulatedClock | None = None
        self._hub: Hub | None = None
        self._since: datetime | None = None
        self._actions: Mapping[type, Callable[[Any], Awaitable[None]]] = {
            SetStep: self._set,
            EventStep: self._event,
            CallStep: self._call,
            WebhookStep: self._webhook,
            AfterStep: self._after,
            AtStep: self._at,
            RestartStep: self._restart,
        }

    @property
    def hub(self) -> Hub:
        if self._hub is None:
            raise RuntimeError("the scenario's hub is not built yet")
        return self._hub

    @property
    def clock(self) -> SimulatedClock:
        if self._clock is None:
            raise RuntimeError("the scenario's clock is not set yet")
        return self._clock

    async def run(self) -> ScenarioResult:
        self._keep = set(asyncio.all_tasks())
        self._log.attach()
        try:
            try:
                await self._boot()
            except ConfigError as err:
                return self._result(problem=str(err))
            for index, step in enumerate(self.scenario.steps):
                failure = await self._run_step(index, step)
                if failure is not None:
                    return self._result(failure=failure, steps_run=index)
            return self._result(steps_run=len(self.scenario.steps))
        finally:
            await self._shutdown()
            self._log.detach()

    def _result(
        self,
        *,
        failure: StepFailure | None = None,
        problem: str | None = None,
        steps_run: int = 0,
    ) -> ScenarioResult:
        return ScenarioResult(
            self.scenario.path,
            self.scenario.name,
            failure=failure,
            problem=problem,
            steps_run=steps_run,
            steps_total=len(self.scenario.steps),
        )

    # --- the hub ----------------------------------------------------------------------------

    async def _boot(self) -> None:
        text = self.scenario.start or DEFAULT_START
        # The hub's time zone is known once its configuration is read: start the clock a day
        # early and move it to the start once the hub can say how to read a start without offset.
        clock = SimulatedClock(parse_instant(text, UTC) - timedelta(days=1))
        hub = self._build(clock)
        await clock.advance_to(parse_instant(text, hub.tz))
        for entity_id, initial in self.scenario.states.items():
            hub.states.set(entity_id, initial.state, initial.attributes, Context(origin="device"))
            self._device_entities.add(entity_id)
        await self._start(hub)

    def _build(self, clock: SimulatedClock) -> Hub:
        hub = self._factory(self.env, clock)
        SimulatedDevices(hub, self._device_entities.add).install()
        ScriptedServices(hub, self.scenario.responses, self.scenario.failures).install()
        self._clock, self._hub = clock, hub
        return hub

    async def _start(self, hub: Hub) -> None:
        self._recorder.attach(hub)
        self._traces.attach(hub)
        await hub.start()
        engine = engine_of(hub)
        if engine is not None and engine.issues:
            # A rule that did not load would make every expectation about it fail obscurely.
            raise ConfigError(engine.issues)
        await settle()
        self._since = self.clock.now()

    async def _shutdown(self) -> None:
        if self._hub is not None:
            await self._hub.stop()
            await crash(self._hub, self._keep)
        self._recorder.detach()

    # --- steps ------------------------------------------------------------------------------

    async def _run_step(self, index: int, step: Step) -> StepFailure | None:
        when = self.clock.now()
        try:
            if isinstance(step, ExpectStep):
                return await self._expect(index, step)
            await self._actions[type(step)](step)
        except (StepError, ConfigError) as err:
            return self._failure(index, step, when, error=str(err))
        except _STEP_ERRORS as err:
            return self._failure(index, step, when, error=f"{type(err).__name__}: {err}")
        return None

    def _failure(
        self,
        index: int,
        step: Step,
        when: datetime,
        *,
        failures: tuple[Failure, ...] = (),
        error: str | None = None,
    ) -> StepFailure:
        return StepFailure(
            index=index,
            step=step,
            when=when,
            tz=self.hub.tz,
            failures=failures,
            error=error,
            traces=tuple(self._traces.since_mark(self.hub)),
            log=tuple(self._log.records),
        )

    async def _set(self, step: SetStep) -> None:
        attributes: Mapping[str, Any] | None = None
        current = self.hub.states.get(step.entity_id)
        if current is not None:
            attributes = current.attributes
        if step.attributes is not None:
            attributes = {**(attributes or {}), **step.attributes}
        self.hub.states.set(step.entity_id, step.state, attributes, Context(origin="device"))
        self._device_entities.add(step.entity_id)
        await settle()

    async def _event(self, step: EventStep) -> None:
        self.hub.bus.fire(step.event_type, step.data, Context(origin="scenario"))
        await settle()

    async def _call(self, step: CallStep) -> None:
        context = Context(origin="user", user="scenario")
        self._recorder.mark_own(context)
        # Validate at once, so a wrong service or bad data fails this step with its reason.
        self.hub.services.prepare(step.domain, step.service, step.data, step.target, context)
        task = self.hub.create_task(
            self.hub.services.call(step.domain, step.service, step.data, step.target, context),
            name=f"scenario call {step.domain}.{step.service}",
        )
        await settle()
        # A call still running (a script in a delay) goes on as simulated time advances.
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise StepError(f"{step.domain}.{step.service} failed: {task.exception()}")

    async def _webhook(self, step: WebhookStep) -> None:
        engine = engine_of(self.hub)
        if engine is None:
            raise StepError("this hub has no rules engine to take the webhook")
        taken = await engine.handle_webhook(step.webhook_id, step.json, {}, method=step.method)
        if not taken:
            raise StepError(f"no rule listens on webhook {step.webhook_id!r} (the hub answers 404)")
        await settle()

    async def _after(self, step: AfterStep) -> None:
        await self.clock.advance(step.duration.total_seconds())

    async def _at(self, step: AtStep) -> None:
        now = self.clock.now()
        target = parse_instant(step.text, self.hub.tz, now)
        if target < now:
            raise StepError(
                f"'at: {step.text}' is before the simulated time now "
                f"({now.astimezone(self.hub.tz).isoformat()}); steps only go forward in time"
            )
        await self.clock.advance_to(target)

    async def _restart(self, step: RestartStep) -> None:
        old = self.hub
        await settle()
        await crash(old, self._keep)
        self._recorder.detach()
        clock = SimulatedClock(self.clock.now() + step.downtime)
        hub = self._build(clock)
        # The devices are still there and report their states when the hub comes back.
        for entity_id in sorted(self._device_entities):
            state = old.states.get(entity_id)
            if state is not None:
                hub.states.set(entity_id, state.state, state.attributes, Context(origin="device"))
        await self._start(hub)
        # What fell due while the hub was down is due now: it runs before the next step, as
        # it would on a real clock the moment the hub is back.
        await self.clock.advance(0)

    async def _expect(self, index: int, step: ExpectStep) -> StepFailure | None:
        await settle()
        seen = Observation(
            hub=self.hub,
            calls=tuple(self._recorder.calls),
            events=tuple(self._recorder.events),
            since=self._since or self.clock.now(),
        )
        failures = tuple(f for check in step.checks if (f := check.check(seen)) is not None)
        if failures:
            return self._failure(index, step, self.clock.now(), failures=failures)
        self._recorder.clear()
        self._log.clear()
        self._traces.mark(self.hub)
        self._since = self.clock.now()
        return None
