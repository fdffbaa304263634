"""Steps that hold other steps: `sequence`, `parallel`, and `repeat` (count, while, until,
for_each), plus `event` and `variables`."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, WithJsonSchema

from kozani_hub.config.marked import Mark

from ..conditions import Condition, compile_conditions, evaluate_all
from ..fields import REF, Actions, Conditions, VariablesMap
from ..problems import Invalid, mark_of, show
from ..values import Value
from .base import (
    NotResumable,
    Scope,
    Step,
    StepConfig,
    StepFailed,
    StopRun,
    resume_steps,
    run_steps,
)

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..run import Run

_YIELD_EVERY = 256
"""A loop gives the event loop a turn this often, so a long loop cannot starve the hub."""


def _steps(compiler: Compiler, data: Any, prefix: str, mark: Mark) -> tuple[Step, ...]:
    from . import compile_steps  # noqa: PLC0415 - steps hold steps; the registry imports us

    return compile_steps(compiler, data, prefix, mark)


class SequenceStepConfig(StepConfig):
    label = "sequence"
    sequence: Actions


class SequenceStep(Step):
    kind = "sequence"
    Config = SequenceStepConfig
    __slots__ = ("steps",)

    def __init__(self, path: str, config: StepConfig, steps: tuple[Step, ...]) -> None:
        super().__init__(path, config)
        self.steps = steps

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        steps = _steps(compiler, data["sequence"], f"{path}/sequence",
                       mark_of(data, "sequence", mark))
        return cls(path, config, steps)

    async def run(self, run: Run, scope: Scope) -> None:
        await run_steps(self.steps, run, scope)

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        await resume_steps(self.steps, f"{self.path}/sequence", run, scope,
                           path=f"{self.path}/{rest}", item=item)


class ParallelStepConfig(StepConfig):
    label = "parallel"
    parallel: Actions


class ParallelStep(Step):
    kind = "parallel"
    Config = ParallelStepConfig
    __slots__ = ("branches",)

    def __init__(self, path: str, config: StepConfig, branches: tuple[Step, ...]) -> None:
        super().__init__(path, config)
        self.branches = branches

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        branches = _steps(compiler, data["parallel"], f"{path}/parallel",
                          mark_of(data, "parallel", mark))
        return cls(path, config, branches)

    async def run(self, run: Run, scope: Scope) -> None:
        run.trace.step(self.path, run.env.clock.now(), {"branches": len(self.branches)})

        async def branch(step: Step) -> None:
            try:
                await run_steps((step,), run, scope)
            except StopRun as stop:
                if stop.error:
                    raise

        results = await asyncio.gather(*(branch(s) for s in self.branches),
                                       return_exceptions=True)
        for result in results:
            if isinstance(result, StepFailed | StopRun):
                raise result
            if isinstance(result, BaseException):
                raise result


class RepeatOptions(StepConfig):
    label = "repeat"
    count: int | str | None = Field(None, description="how many times (a number or a template)")
    while_: Conditions = Field(None, alias="while")
    until: Conditions = None
    for_each: list[Any] | str | None = Field(
        None, description="a list (or a template giving one); `repeat.item` is each item"
    )
    sequence: Actions


class RepeatStepConfig(StepConfig):
    label = "repeat"
    repeat: Annotated[
        dict[str, Any],
        WithJsonSchema({REF: "RepeatOptions"}),
        Field(description="count, while, until or for_each, and the sequence to repeat"),
    ]


class RepeatStep(Step):
    kind = "repeat"
    Config = RepeatStepConfig
    __slots__ = ("count", "for_each", "mode", "steps", "until", "while_")

    def __init__(
        self,
        path: str,
        config: StepConfig,
        *,
        mode: str,
        count: Value | None,
        for_each: Value | None,
        while_: tuple[Condition, ...],
        until: tuple[Condition, ...],
        steps: tuple[Step, ...],
    ) -> None:
        super().__init__(path, config)
        self.mode = mode
        self.count = count
        self.for_each = for_each
        self.while_ = while_
        self.until = until
        self.steps = steps

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: RepeatStepConfig = config
        raw = data["repeat"]
        where = mark_of(raw, None, mark)
        options = compiler.check(RepeatOptions, raw, where)
        given = [k for k in ("count", "while", "until", "for_each") if raw.get(k) is not None]
        if len(given) != 1:
            raise Invalid(where, "a repeat needs exactly one of count, while, until or "
                          f"for_each; got {', '.join(given) or 'none'}")
        mode = given[0]
        prefix = f"{path}/repeat"
        count = compiler.value(options.count, mark_of(raw, "count", where), "count") \
            if mode == "count" else None
        for_each = compiler.value(raw["for_each"], mark_of(raw, "for_each", where), "for_each") \
            if mode == "for_each" else None
        while_ = compile_conditions(compiler, raw["while"], f"{prefix}/while",
                                    mark_of(raw, "while", where)) if mode == "while" else ()
        until = compile_conditions(compiler, raw["until"], f"{prefix}/until",
                                   mark_of(raw, "until", where)) if mode == "until" else ()
        steps = _steps(compiler, raw.get("sequence"), f"{prefix}/sequence",
                       mark_of(raw, "sequence", where))
        return cls(path, cfg, mode=mode, count=count, for_each=for_each, while_=while_,
                   until=until, steps=steps)

    def _items(self, run: Run, scope: Scope) -> list[Any]:
        assert self.for_each is not None
        items = self.for_each.render(scope.vars)
        if isinstance(items, str):
            items = [part.strip() for part in items.split(",") if part.strip()]
        if not isinstance(items, list | tuple):
            raise ValueError(f"for_each must give a list, got {show(items)}")
        return list(items)

    def _count(self, scope: Scope) -> int:
        assert self.count is not None
        value = self.count.render(scope.vars)
        try:
            return int(float(value))
        except (TypeError, ValueError):
            raise ValueError(f"count must be a number, got {value!r}") from None

    async def run(self, run: Run, scope: Scope) -> None:
        run.trace.step(self.path, run.env.clock.now(), {"repeat": self.mode})
        state: dict[str, Any] = {"index": 0}
        if self.mode == "count":
            state["count"] = self._count(scope)
        elif self.mode == "for_each":
            state["items"] = self._items(run, scope)
        await self._loop(run, scope, state, None, None)

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        loops = item.get("loops") or {}
        state = dict(loops.get(self.path) or {})
        if not rest.startswith("repeat/sequence/") or "index" not in state:
            raise NotResumable(f"the loop at {self.path} cannot be continued after a restart")
        await self._loop(run, scope, state, f"{self.path}/{rest}", item)

    async def _loop(
        self, run: Run, scope: Scope, state: dict[str, Any], resume_at: str | None,
        item: Mapping[str, Any] | None,
    ) -> None:
        env = run.env
        index = int(state["index"]) - (1 if resume_at else 0)
        total = state.get("count")
        items = state.get("items")
        if items is not None:
            total = len(items)
        try:
            while True:
                index += 1
                if total is not None and index > total:
                    return
                repeat: dict[str, Any] = {"first": index == 1, "index": index}
                if total is not None:
                    repeat["last"] = index == total
                if items is not None:
                    repeat["item"] = items[index - 1]
                inner = scope.child({"repeat": repeat})
                if self.mode == "while" and resume_at is None and not evaluate_all(
                    self.while_, env, inner.vars, run.trace
                ):
                    return
                run.loop_state(self.path, {**state, "index": index})
                if resume_at is not None and item is not None:
                    await resume_steps(self.steps, f"{self.path}/repeat/sequence", run, inner,
                                       path=resume_at, item=item)
                    resume_at = None
                else:
                    await run_steps(self.steps, run, inner)
                if self.mode == "until" and evaluate_all(self.until, env, inner.vars, run.trace):
                    return
                if index % _YIELD_EVERY == 0:
                    await asyncio.sleep(0)
        finally:
            run.loop_state(self.path, None)


class EventStepConfig(StepConfig):
    label = "event"
    event: str = Field(description="the event type to fire")
    event_data: dict[str, Any] | str | None = Field(
        None, description="the event's data; templates allowed"
    )


class EventStep(Step):
    kind = "event"
    Config = EventStepConfig
    __slots__ = ("data", "event_type")

    def __init__(self, path: str, config: StepConfig, event_type: Value, data: Value | None) -> None:
        super().__init__(path, config)
        self.event_type = event_type
        self.data = data

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: EventStepConfig = config
        values = None
        if cfg.event_data is not None:
            values = compiler.value(data["event_data"], mark_of(data, "event_data", mark),
                                    "event_data")
        return cls(path, cfg, compiler.value(cfg.event, mark_of(data, "event", mark), "event"),
                   values)

    async def run(self, run: Run, scope: Scope) -> None:
        started = run.env.clock.now()
        event_type = str(self.event_type.render(scope.vars))
        data = self.data.render(scope.vars) if self.data is not None else None
        if data is not None and not isinstance(data, Mapping):
            raise ValueError(f"event_data must render to a mapping, got {data!r}")
        run.env.bus.fire(event_type, data, run.context)
        run.trace.step(self.path, started, {"event": event_type, "data": data})


class VariablesStepConfig(StepConfig):
    label = "variables"
    variables: VariablesMap


class VariablesStep(Step):
    kind = "variables"
    Config = VariablesStepConfig
    __slots__ = ("values",)

    def __init__(self, path: str, config: StepConfig, values: tuple[tuple[str, Value], ...]) -> None:
        super().__init__(path, config)
        self.values = values

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        raw = data["variables"]
        values = tuple(
            (compiler.text(name), compiler.value(value, mark_of(raw, name, mark), name))
            for name, value in raw.items()
        )
        return cls(path, config, values)

    async def run(self, run: Run, scope: Scope) -> None:
        started = run.env.clock.now()
        for name, value in self.values:
            scope.set(name, value.render(scope.vars))
        run.trace.step(self.path, started, {name: scope.vars[name] for name, _ in self.values})
