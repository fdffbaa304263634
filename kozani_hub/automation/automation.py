"""A rule at run time: its entity, its attached triggers, its runs and their mode."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Mapping
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kozani_hub.config.errors import display_path
from kozani_hub.core.context import Context, build_context

from .conditions import evaluate_all
from .persist import from_plain, to_plain, unplainable
from .rule import Missed, Mode, Rule
from .run import Run, drive
from .trace import Outcome, Trace
from .triggers import Attachment, attach_all

if TYPE_CHECKING:
    from .engine import AutomationEngine
    from .env import Env

EVENT_AUTOMATION_TRIGGERED = "automation_triggered"
_NONE: Mapping[str, Any] = MappingProxyType({})
_NO_THIS: Mapping[str, Any] = MappingProxyType({"this": None})
MAX_NESTING = 8
"""Runs started from inside another run's service call, before the rest go to the loop."""


class Automation:
    """One rule, running: on or off, its triggers attached, its runs counted against its mode."""

    __slots__ = ("_context", "attachments", "enabled", "engine", "env",
                 "last_triggered", "queue", "rule", "runs", "trigger_variables")

    def __init__(self, engine: AutomationEngine, rule: Rule) -> None:
        self.engine = engine
        self.env: Env = engine.env
        self.rule = rule
        self.enabled = rule.initial_state is not False
        self.last_triggered: datetime | None = None
        self.runs: tuple[Run, ...] = ()  # a tuple: most rules have none, and () is shared
        self.queue: deque[Run] | None = None
        self.attachments: list[Attachment | None] = []
        self.trigger_variables: Mapping[str, Any] = _NONE
        self._context: Context | None = None

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def entity_id(self) -> str:
        return self.rule.entity_id

    def where(self) -> str:
        rule = self.rule
        return f"{display_path(rule.file)}:{rule.line}" if rule.line else display_path(rule.file)

    # --- on and off ---------------------------------------------------------------------

    def attach(self) -> None:
        """Attach the triggers (when the rule is on); raises if one cannot attach."""
        if not self.enabled or self.attachments:
            return
        this = self.env.states.get(self.entity_id)
        variables: Mapping[str, Any]
        if this is None and not self.rule.trigger_variables:
            variables = _NO_THIS  # the triggers keep it: one shared mapping, not one per rule
        else:
            made: dict[str, Any] = {"this": this}
            for name, value in self.rule.trigger_variables:
                made[name] = value.render(made)
            if len(made) > 1:
                self.trigger_variables = {k: v for k, v in made.items() if k != "this"}
            variables = made
        self.attachments = attach_all(self.rule.triggers, self.env, variables, self.fire)

    def detach(self) -> None:
        attachments, self.attachments = self.attachments, []
        for attachment in attachments:
            if attachment is not None:
                attachment.detach()

    def turn_on(self, context: Context | None = None) -> None:
        if self.enabled:
            return
        self.enabled = True
        try:
            self.attach()
        finally:
            self.write_state(context)

    def turn_off(self, context: Context | None = None, *, stop_actions: bool = True) -> None:
        if not self.enabled:
            return
        self.enabled = False
        self.detach()
        if stop_actions:
            self.stop_runs("the rule was turned off")
        self.write_state(context)

    def stop_runs(self, reason: str) -> None:
        """Cancel every running and queued run."""
        if self.queue:
            queued, self.queue = list(self.queue), None
            for run in queued:
                run.trace.finish(self.env.clock.now(), Outcome.CANCELLED, reason=reason)
                self.engine.trace_store.ended(run.trace)
        for run in self.runs:
            run.cancel(reason)

    def write_state(self, context: Context | None = None) -> None:
        """Publish `automation.<id>`: on/off, last_triggered, current runs, mode, file, line.

        Runs starting and ending do not call this directly: they tell the engine, which
        writes each changed rule once per turn of the event loop (see `state_changed`).
        """
        rule = self.rule
        attributes: dict[str, Any] = {
            "id": rule.id,
            "friendly_name": rule.name,
            "last_triggered": self.last_triggered,
            "mode": rule.mode.value,
            "current": len(self.runs),
            "file": rule.file,
            "line": rule.line,
        }
        if rule.mode in (Mode.QUEUED, Mode.PARALLEL):
            attributes["max"] = rule.max_runs
        self.env.states.set(self.entity_id, "on" if self.enabled else "off", attributes,
                            context or self._context or self.engine.context)

    # --- triggering ---------------------------------------------------------------------

    def fire(self, trigger: dict[str, Any], parent: Context | None) -> None:
        """What an attached trigger calls: check conditions, then run as the mode allows."""
        if not self.enabled:
            return
        context = build_context(self.env.new_id(), parent.id if parent is not None else None,
                                "rule")
        self.start(trigger, context)

    def start(
        self,
        trigger: dict[str, Any],
        context: Context,
        *,
        extra: Mapping[str, Any] | None = None,
        skip_condition: bool = False,
    ) -> Trace:
        """Start a run for `trigger` (conditions first, unless skipped); return its trace."""
        rule = self.rule
        env = self.env
        trace = Trace(rule, trigger, env.clock.now(), context.id)
        self.engine.trace_store.add(trace, self.rule.trace_runs)
        try:
            variables = self._variables(trigger, extra)
        except Exception as err:
            return self._refused(trace, Outcome.ERROR, f"the variables failed: {err}",
                                 logging.ERROR)
        if (rule.conditions and not skip_condition
                and not evaluate_all(rule.conditions, env, variables, trace)):
            variables.pop("this", None)  # not worth a State kept alive per trace
            trace.finish(env.clock.now(), Outcome.CONDITION_FAILED, variables)
            self.engine.trace_store.ended(trace)
            return trace
        run = Run(self, env, context, variables, trace)
        if self.runs or self.queue:
            mode = rule.mode
            if mode is Mode.SINGLE:
                return self._refused(trace, Outcome.NOT_RUN, "already running (mode: single)")
            if mode is Mode.RESTART:
                self.stop_runs("restarted by a new trigger")
            elif mode is Mode.QUEUED:
                waiting = len(self.runs) + len(self.queue or ())
                if waiting >= rule.max_runs:
                    return self._refused(trace, Outcome.NOT_RUN,
                                         f"{rule.max_runs} runs already queued (mode: queued)")
                if self.queue is None:
                    self.queue = deque()
                self.queue.append(run)
                self._triggered(trace, context)
                return trace
            elif len(self.runs) >= rule.max_runs:
                return self._refused(trace, Outcome.NOT_RUN,
                                     f"{rule.max_runs} runs already going (mode: parallel)")
        self._triggered(trace, context)
        self.launch(run)
        return trace

    def _variables(self, trigger: dict[str, Any], extra: Mapping[str, Any] | None) -> dict[
        str, Any
    ]:
        variables: dict[str, Any] = {"this": self.env.states.get(self.entity_id)}
        if self.trigger_variables:
            variables.update(self.trigger_variables)
        variables["trigger"] = trigger
        if extra:
            variables.update(extra)
        index = trigger.get("idx")
        if index is not None and self.rule.triggers:
            own = self.rule.triggers[int(index)].base.variables
            if own is not None:
                variables.update(own.render(variables))
        for name, value in self.rule.variables:
            variables[name] = value.render(variables)
        return variables

    def _triggered(self, trace: Trace, context: Context) -> None:
        self.last_triggered = trace.started
        self._context = context
        bus = self.env.bus
        if bus.wants(EVENT_AUTOMATION_TRIGGERED):
            bus.fire(EVENT_AUTOMATION_TRIGGERED, {
                "name": self.rule.name,
                "entity_id": self.entity_id,
                "id": self.rule.id,
                "source": trace.trigger.get("description") if trace.trigger else None,
            }, context)

    def _refused(self, trace: Trace, outcome: Outcome, reason: str,
                 level: int | None = -1) -> Trace:
        trace.finish(self.env.clock.now(), outcome, reason=reason)
        self.engine.trace_store.ended(trace)
        log_level = self.rule.max_exceeded if level == -1 else level
        if log_level is not None:
            self.env.logger.log(log_level, "Rule %s (%s): %s; this trigger is not run",
                                self.rule.id, self.where(), reason)
        return trace

    def launch(self, run: Run, resume: Mapping[str, Any] | None = None) -> None:
        """Start a run now: in this call stack while it can, in a task once it must wait."""
        self.runs = (*self.runs, run)
        engine = self.engine
        self._context = run.context
        if engine.nesting >= MAX_NESTING:
            run.task = self.env.hub.create_task(run.execute(resume), name=self.rule.id)
        else:
            engine.nesting += 1
            try:
                run.task = drive(run.execute(resume), self.env.hub, self.rule.id)
            finally:
                engine.nesting -= 1
        if run.task is not None:  # still running; a run that ended already told the engine
            engine.state_changed(self)

    def run_ended(self, run: Run) -> None:
        """Called by a run as it ends: account for it, start the next queued one."""
        runs = self.runs
        self.runs = () if runs == (run,) else tuple(r for r in runs if r is not run)
        self.engine.trace_store.ended(run.trace)
        if self.queue:
            self.launch(self.queue.popleft())
        else:
            self.engine.state_changed(self)

    def log_failure(self, path: str | None, message: str) -> None:
        """Log a run's error with the rule id, its file and line, and the step path."""
        rule = self.rule
        if path is None:
            self.env.logger.error("Rule %s (%s) failed: %s", rule.id, self.where(), message)
            return
        line = rule.lines.get(path)
        at = f" ({display_path(rule.step_file)}:{line})" if line else ""
        self.env.logger.error("Rule %s (%s) failed at %s%s: %s", rule.id, self.where(), path,
                              at, message)

    # --- saving and restoring -----------------------------------------------------------

    def snapshot(self) -> list[dict[str, Any]]:
        """Pending `for:` waits, schedules, waiting and queued runs, as plain data."""
        items: list[dict[str, Any]] = []
        for index, attachment in enumerate(self.attachments):
            if attachment is not None:
                for item in attachment.pending():
                    items.append({**item, "trigger": index})
        for run in self.runs:
            items.extend(run.snapshot())
        for run in self.queue or ():
            items.append(_queued(run))
        return items

    def resume(self, item: Mapping[str, Any]) -> str | None:
        """Take back one saved item; a problem text, or None when it was taken back."""
        kind = item.get("kind")
        if kind in ("for", "schedule"):
            index = int(item.get("trigger", -1))
            if not 0 <= index < len(self.attachments) or self.attachments[index] is None:
                return "its trigger is not attached (the rule is off, or the trigger disabled)"
            attachment = self.attachments[index]
            assert attachment is not None
            return attachment.resume(item, run_missed=self.rule.missed is Missed.RUN_ONCE)
        if kind == "run":
            return self._resume_run(item)
        return f"unknown kind of pending item {kind!r}"

    def _resume_run(self, item: Mapping[str, Any]) -> str | None:
        if item.get("parallel"):
            return "it was waiting inside a parallel step, which cannot be continued"
        variables = from_plain(item.get("variables") or {})
        if not isinstance(variables, dict):
            return "its variables are not a mapping"
        variables["this"] = self.env.states.get(self.entity_id)
        saved = item.get("context") or {}
        context = Context(id=str(saved.get("id") or Context().id),
                          parent_id=saved.get("parent_id"), origin="rule")
        trigger = variables.get("trigger") if isinstance(variables.get("trigger"), dict) else None
        trace = Trace(self.rule, trigger, self.env.clock.now(), context.id)
        trace.reason = "continued after a restart"
        self.engine.trace_store.add(trace, self.rule.trace_runs)
        run = Run(self, self.env, context, variables, trace)
        if item.get("queued") and self.runs and self.rule.mode is Mode.QUEUED:
            if self.queue is None:
                self.queue = deque()
            self.queue.append(run)  # it waits its turn again, as before the restart
        else:
            self.launch(run, item)
        dropped = item.get("dropped") or []
        if dropped:
            return f"continued without the variables {', '.join(map(str, dropped))}"
        return None


def _queued(run: Run) -> dict[str, Any]:
    variables = {k: v for k, v in run.variables.items() if k != "this"}
    return {
        "kind": "run",
        "path": "",
        "queued": True,
        "wait": None,
        "variables": to_plain(variables),
        "dropped": unplainable(variables),
        "loops": {},
        "context": {"id": run.context.id, "parent_id": run.context.parent_id},
        "started": run.trace.started.isoformat(),
        "parallel": False,
    }
