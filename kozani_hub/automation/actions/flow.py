"""Steps that decide what runs: `condition`, `choose`, `if`/`then`/`else`, `stop`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import Field, WithJsonSchema

from kozani_hub.config.marked import Mark

from ..conditions import Condition, check, compile_condition, compile_conditions, evaluate_all
from ..fields import REF, Actions, Conditions
from ..normalize import without
from ..problems import Invalid, mark_of, show
from ..trace import Outcome
from .base import NotResumable, Scope, Step, StepConfig, StopRun, resume_steps, run_steps

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..run import Run


def _steps(compiler: Compiler, data: Any, prefix: str, mark: Mark) -> tuple[Step, ...]:
    from . import compile_steps  # noqa: PLC0415 - steps hold steps; the registry imports us

    return compile_steps(compiler, data, prefix, mark)


class ConditionStep(Step):
    """A condition as a step: the run stops (without error) when it is false."""

    kind = "condition"
    Config = StepConfig
    __slots__ = ("condition",)

    def __init__(self, path: str, config: StepConfig, condition: Condition) -> None:
        super().__init__(path, config)
        self.condition = condition

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        condition = compile_condition(compiler, without(data, "continue_on_error"), path, mark)
        step_config = StepConfig(
            alias=data.get("alias"),
            enabled=bool(data.get("enabled", True)),
            continue_on_error=bool(data.get("continue_on_error", False)),
        )
        return cls(path, step_config, condition)

    async def run(self, run: Run, scope: Scope) -> None:
        env = run.env
        started = env.clock.now()
        result = check(self.condition, env, scope.vars, None)
        if result is True:
            run.trace.step(self.path, started, {"result": True})
            return
        try:
            why = self.condition.why(env, scope.vars)
        except Exception as err:
            why = f"error: {err}"
        run.trace.step(self.path, started, {"result": False, "why": why})
        raise StopRun(Outcome.STOPPED, f"the condition at {self.path} is false"
                      + (f" ({why})" if why else ""))


class ChooseOption(StepConfig):
    label = "choose option"
    conditions: Conditions = None
    sequence: Actions


class ChooseStepConfig(StepConfig):
    label = "choose"
    choose: Annotated[
        list[dict[str, Any]] | dict[str, Any],
        WithJsonSchema({"type": "array", "items": {REF: "ChooseOption"}}),
        Field(description="a list of options, each with conditions and a sequence"),
    ]
    default: Actions = None


class ChooseStep(Step):
    kind = "choose"
    Config = ChooseStepConfig
    __slots__ = ("default", "options")

    def __init__(
        self,
        path: str,
        config: StepConfig,
        options: tuple[tuple[tuple[Condition, ...], tuple[Step, ...]], ...],
        default: tuple[Step, ...],
    ) -> None:
        super().__init__(path, config)
        self.options = options
        self.default = default

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: ChooseStepConfig = config
        raw = data["choose"]
        items = raw if isinstance(raw, list) else [raw]
        options = []
        problems: list[tuple[Mark, str]] = []
        for index, item in enumerate(items):
            where = mark_of(item, None, mark_of(raw, index, mark))
            prefix = f"{path}/choose/{index}"
            try:
                option = compiler.check(ChooseOption, item, where)
                conditions = compile_conditions(
                    compiler, option.conditions, f"{prefix}/conditions",
                    mark_of(item, "conditions", where),
                )
                steps = _steps(compiler, item.get("sequence"), f"{prefix}/sequence",
                               mark_of(item, "sequence", where))
                options.append((conditions, steps))
            except Invalid as error:
                problems.extend(error.problems)
        default: tuple[Step, ...] = ()
        if cfg.default is not None:
            try:
                default = _steps(compiler, data["default"], f"{path}/default",
                                 mark_of(data, "default", mark))
            except Invalid as error:
                problems.extend(error.problems)
        if problems:
            raise Invalid.many(problems)
        return cls(path, cfg, tuple(options), default)

    async def run(self, run: Run, scope: Scope) -> None:
        env = run.env
        started = env.clock.now()
        for index, (conditions, steps) in enumerate(self.options):
            if evaluate_all(conditions, env, scope.vars, run.trace):
                run.trace.step(self.path, started, {"choice": index})
                await run_steps(steps, run, scope)
                return
        run.trace.step(self.path, started, {"choice": "default" if self.default else None})
        if self.default:
            await run_steps(self.default, run, scope)

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        full = f"{self.path}/{rest}"
        parts = rest.split("/")
        if parts[0] == "default":
            await resume_steps(self.default, f"{self.path}/default", run, scope, path=full,
                               item=item)
            return
        if len(parts) >= 3 and parts[0] == "choose" and parts[1].isdigit():
            index = int(parts[1])
            if index < len(self.options):
                await resume_steps(self.options[index][1], f"{self.path}/choose/{index}/sequence",
                                   run, scope, path=full, item=item)
                return
        raise NotResumable(f"the rule has no step {full}")


class IfStepConfig(StepConfig):
    label = "if"
    if_: Conditions = Field(alias="if")
    then: Actions
    else_: Actions = Field(None, alias="else")


class IfStep(Step):
    kind = "if"
    Config = IfStepConfig
    __slots__ = ("conditions", "else_", "then")

    def __init__(
        self,
        path: str,
        config: StepConfig,
        conditions: tuple[Condition, ...],
        then: tuple[Step, ...],
        else_: tuple[Step, ...],
    ) -> None:
        super().__init__(path, config)
        self.conditions = conditions
        self.then = then
        self.else_ = else_

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: IfStepConfig = config
        problems: list[tuple[Mark, str]] = []
        parts: list[Any] = []
        for make in (
            lambda: compile_conditions(compiler, data["if"], f"{path}/if/condition",
                                       mark_of(data, "if", mark)),
            lambda: _steps(compiler, data["then"], f"{path}/then", mark_of(data, "then", mark)),
            lambda: _steps(compiler, data["else"], f"{path}/else", mark_of(data, "else", mark))
            if "else" in data and data["else"] is not None else (),
        ):
            try:
                parts.append(make())
            except Invalid as error:
                problems.extend(error.problems)
        if problems:
            raise Invalid.many(problems)
        return cls(path, cfg, parts[0], parts[1], parts[2])

    async def run(self, run: Run, scope: Scope) -> None:
        started = run.env.clock.now()
        chosen = evaluate_all(self.conditions, run.env, scope.vars, run.trace)
        run.trace.step(self.path, started, {"choice": "then" if chosen else "else"})
        await run_steps(self.then if chosen else self.else_, run, scope)

    async def resume(self, run: Run, scope: Scope, rest: str, item: Mapping[str, Any]) -> None:
        branch = rest.partition("/")[0]
        if branch not in ("then", "else"):
            raise NotResumable(f"the rule has no step {self.path}/{rest}")
        steps = self.then if branch == "then" else self.else_
        await resume_steps(steps, f"{self.path}/{branch}", run, scope,
                           path=f"{self.path}/{rest}", item=item)


class StopStepConfig(StepConfig):
    label = "stop"
    stop: str = Field(description="why the run stops")
    error: bool = Field(False, description="true: the run ends as failed")
    response_variable: str | None = None


class StopStep(Step):
    kind = "stop"
    Config = StopStepConfig
    __slots__ = ("error", "reason")

    def __init__(self, path: str, config: StopStepConfig) -> None:
        super().__init__(path, config)
        self.reason = config.stop
        self.error = config.error

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: StopStepConfig = config
        if not isinstance(data.get("stop"), str):
            raise Invalid(mark, f"'stop' must be the reason as text, got {show(data.get('stop'))}")
        return cls(path, cfg)

    async def run(self, run: Run, scope: Scope) -> None:
        run.trace.step(self.path, run.env.clock.now(), {"stop": self.reason, "error": self.error})
        outcome = Outcome.ERROR if self.error else Outcome.STOPPED
        raise StopRun(outcome, self.reason, error=self.error)
