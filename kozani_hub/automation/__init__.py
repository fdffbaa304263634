"""The rules engine: Home Assistant automation YAML, loaded, validated and run.

Rule files are lists of rules in the rule folders (default `rules/`, recursively; blueprints
live in `rules/blueprints/`). A rule is validated at load into frozen runtime objects; a
rule that loaded is a rule that can run.

Public API
----------

`AutomationEngine(hub, rule_dirs, *, trace_runs=10, trace_memory=32 MiB)` — a hub Component:

    engine = AutomationEngine(hub, [Path("config/rules")])
    hub.add_component(engine)            # or: await engine.start() / await engine.stop()
    engine.rules                         # {rule id: Automation}; .rule is the frozen Rule,
                                         # .enabled, .last_triggered, .runs, .entity_id
    engine.issues                        # problems found by the last successful load
    await engine.reload()                # -> list[ConfigIssue]; empty when reloaded. With any
                                         #    problem nothing changes; else only changed rules
                                         #    are replaced (the others keep runs and `for:`)
    engine.load_rules()                  # -> (dict[id, Rule], list[ConfigIssue]), no changes
    engine.traces("rule_id")             # -> list[Trace], oldest first; Trace.summary() reads
                                         #    "rule X (rules/a.yaml:12) ran: trigger state ...;
                                         #    condition/0 → false (...)"; Trace.as_dict()
    engine.all_traces()                  # every kept trace, oldest first
    engine.add_trace_listener(cb)        # cb(trace) when each run ends; returns unsubscribe
    engine.webhooks                      # {webhook_id: handler} of the attached rules
    await engine.handle_webhook(webhook_id, payload, headers, *, method="POST", query=None,
                                data=None, remote=None)   # -> bool: False when no rule takes
                                # it (unknown id, method not allowed, remote not local)

Restart survival (for the recorder):

    engine.snapshot_pending()            # -> list of JSON-able dicts: pending `for:` waits,
                                         #    schedules' last runs, waiting and queued runs;
                                         #    each has rule, digest, kind ("for", "schedule",
                                         #    "run"); after stop(), what was pending at stop
    engine.resume_pending(items)         # -> list[str] problems; call after start()
    engine.add_pending_listener(cb)      # cb() whenever pending items appear or disappear
    engine.restore(rule_id, enabled=..., last_triggered=...)   # before or after start();
    engine.restore_state(state)          # the same from a saved automation.<id> State
    # A saved automation.<id> state put back with origin "restore" before start() is used too.

Without a running hub (`kozani-hub check`):

    rules, issues = load_rules([Path("config/rules")], roots=[Path("config")])
    rule_json_schema()                   # -> JSON Schema (draft 2020-12) of a rule file

Each rule is the entity `automation.<id>` (on/off; attributes id, friendly_name,
last_triggered, mode, current, max, file, line) and the services `automation.turn_on`,
`turn_off` (stop_actions), `toggle`, `trigger` (skip_condition, variables) and `reload` are
registered. Every run fires `automation_triggered`; a reload fires `automation_reloaded`.
The hub calls `reload()` on SIGHUP. The registries of types are `TRIGGERS`, `CONDITIONS`
and `ACTIONS`; a trigger class has `Config` (its pydantic schema), `build()` and `attach()`
returning an `Attachment` with `detach()`.

How a run goes
--------------
A trigger fires inside the state machine's entity index callback (never a listener on every
state change). The rule's conditions are evaluated and its actions run at once, in that same
call, without a task: only when a step really waits (a delay, a wait, a slow device) is the
rest handed to a task. A run started from within another run's service call goes the same
way up to a nesting depth of 8, then through the event loop. Every run has its own Context
whose parent is the triggering change's; its service calls carry it. The rule's entity is
written once per turn of the event loop (a burst of triggers writes it once), so read
`current` and `last_triggered` after yielding to the loop.
"""

from .actions import ACTIONS
from .automation import EVENT_AUTOMATION_TRIGGERED, Automation
from .conditions import CONDITIONS
from .durations import parse_duration, parse_time_of_day
from .engine import EVENT_AUTOMATION_RELOADED, AutomationEngine, load_rules
from .rule import Missed, Mode, Rule
from .schema import rule_json_schema
from .trace import Outcome, Trace
from .triggers import TRIGGERS

__all__ = [
    "ACTIONS",
    "CONDITIONS",
    "EVENT_AUTOMATION_RELOADED",
    "EVENT_AUTOMATION_TRIGGERED",
    "TRIGGERS",
    "Automation",
    "AutomationEngine",
    "Missed",
    "Mode",
    "Outcome",
    "Rule",
    "Trace",
    "load_rules",
    "parse_duration",
    "parse_time_of_day",
    "rule_json_schema",
]
