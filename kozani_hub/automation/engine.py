"""The rules engine: a hub component that loads the rule folders and runs the rules."""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.loader import gc_paused
from kozani_hub.core.context import Context
from kozani_hub.core.states import State
from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine

from . import pending, services
from .actions import Step
from .actions.service import ServiceStep
from .automation import Automation
from .env import Env
from .loader import load_rules as _load_rules
from .rule import Rule
from .trace import Trace, TraceStore

_LOGGER = logging.getLogger("kozani_hub.automation")
EVENT_AUTOMATION_RELOADED = "automation_reloaded"
DEFAULT_TRACE_MEMORY = 32 * 1024 * 1024


def load_rules(
    dirs: Sequence[Path],
    *,
    roots: Sequence[Path] | None = None,
    templates: TemplateEngine | None = None,
) -> tuple[dict[str, Rule], list[ConfigIssue]]:
    """Load and validate every rule file below `dirs`, without a running hub.

    Returns the valid rules by id and every problem found (`FILE:LINE: message`); this is
    what `kozani-hub check` reports.
    """
    if templates is None:
        templates = TemplateEngine(Hub())
    return _load_rules(dirs, templates, roots=roots)


class AutomationEngine:
    """Runs the rules of the configured rule folders (see the package docstring)."""

    name = "automation"

    def __init__(
        self,
        hub: Hub,
        rule_dirs: Sequence[Path],
        *,
        trace_runs: int = 10,
        trace_memory: int = DEFAULT_TRACE_MEMORY,
        roots: Sequence[Path] | None = None,
    ) -> None:
        self.hub = hub
        self.rule_dirs = [Path(d) for d in rule_dirs]
        self.roots = list(roots) if roots else self._default_roots()
        self.templates: TemplateEngine = hub.templates
        self.env = Env(hub, self.templates)
        self.env.on_pending_change = self._pending_changed
        self.trace_store = TraceStore(trace_runs, trace_memory)
        self.rules: dict[str, Automation] = {}
        self.issues: list[ConfigIssue] = []
        self.running = False
        self.nesting = 0
        self._undo: list[Callable[[], None]] = []
        self._pending_listeners: list[Callable[[], None]] = []
        self._restored: dict[str, tuple[bool | None, datetime | None]] = {}
        self._stopped_snapshot: list[dict[str, Any]] = []
        self._reloading: asyncio.Lock | None = None
        self._dirty: dict[Automation, None] = {}
        self.context = Context(origin="rule")
        """The cause of what the engine writes on its own (the rules' entities at start)."""
        self._flush_handle: asyncio.Handle | None = None

    def _default_roots(self) -> list[Path]:
        roots = list(self.rule_dirs)
        if self.hub.config_dir is not None:
            roots.append(Path(self.hub.config_dir))
        return roots

    @property
    def webhooks(self) -> Mapping[str, Callable[[dict[str, Any]], None]]:
        """The webhook ids the attached rules listen to."""
        return self.env.webhooks

    # --- loading --------------------------------------------------------------------------

    def load_rules(
        self, dirs: Sequence[Path] | None = None
    ) -> tuple[dict[str, Rule], list[ConfigIssue]]:
        """Load and validate the rule folders (or `dirs`) without changing what runs."""
        return _load_rules(dirs or self.rule_dirs, self.templates, roots=self.roots)

    async def start(self) -> None:
        """Load the rules, register the services, attach every rule that is on."""
        # Loading builds millions of small objects that live on or die young, and hardly any
        # cycles: collecting while the heap grows would walk it again and again.
        with gc_paused():
            rules, self.issues = self.load_rules()
            for issue in self.issues:
                _LOGGER.error("%s", issue)
            self._undo.extend(services.register(self))
            for rule in rules.values():
                automation = Automation(self, rule)
                self._apply_restored(automation)
                self.rules[rule.id] = automation
                self._attach(automation)
        self.running = True
        self._warn_unknown_services(rules.values())
        _LOGGER.info("%d rule(s) loaded from %s", len(self.rules),
                     ", ".join(str(d) for d in self.rule_dirs))

    async def stop(self) -> None:
        """Detach every rule and stop its runs; keep what was pending for `snapshot_pending`."""
        self._stopped_snapshot = self.snapshot_pending()
        self.running = False
        if self._flush_handle is not None:
            self._flush_handle.cancel()
        self.flush_states()
        tasks: list[asyncio.Task[None]] = []
        for automation in self.rules.values():
            automation.detach()
            tasks.extend(r.task for r in automation.runs if r.task is not None)
            automation.stop_runs("the hub is stopping")
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        undo, self._undo = self._undo, []
        for step in reversed(undo):
            step()

    def state_changed(self, automation: Automation) -> None:
        """Note that a rule's entity state (last_triggered, current) needs writing.

        A rule triggered ten times in one burst is written once, at the next turn of the
        event loop, instead of ten times on the path of each state change.
        """
        self._dirty[automation] = None
        if self._flush_handle is None:
            self._flush_handle = asyncio.get_running_loop().call_soon(self.flush_states)

    def flush_states(self) -> None:
        """Write the entity state of every rule noted by `state_changed`."""
        self._flush_handle = None
        dirty, self._dirty = self._dirty, {}
        rules = self.rules
        for automation in dirty:
            if rules.get(automation.rule.id) is automation:
                automation.write_state()

    def _attach(self, automation: Automation) -> None:
        try:
            automation.attach()
        except Exception as err:
            rule = automation.rule
            issue = ConfigIssue(rule.file, rule.line,
                                f"rule {rule.id}: its triggers could not start: {err}")
            self.issues.append(issue)
            _LOGGER.error("%s", issue)
        automation.write_state()

    def _warn_unknown_services(self, rules: Iterable[Rule]) -> None:
        """One warning per service that rules call and nothing provides (yet)."""
        registry = self.hub.services
        unknown: dict[str, list[str]] = {}
        for rule in rules:
            for step in iter_steps(rule.actions):
                if isinstance(step, ServiceStep) and step.name_template is None \
                        and not registry.has(step.domain, step.service):
                    where = f"{rule.id} ({display_path(rule.step_file)}:" \
                            f"{rule.lines.get(step.path)})"
                    unknown.setdefault(f"{step.domain}.{step.service}", []).append(where)
        for name, users in unknown.items():
            more = f" and {len(users) - 3} more" if len(users) > 3 else ""
            _LOGGER.warning("%s is called by rule %s%s, but nothing provides it yet", name,
                            ", ".join(users[:3]), more)

    # --- reload ---------------------------------------------------------------------------

    async def reload(self) -> list[ConfigIssue]:
        """Validate everything; if all is valid, replace only the rules whose definition
        changed (the others keep their runs and pending `for:`). Returns the problems; when
        there are any, nothing changed. The hub calls this on SIGHUP."""
        if self._reloading is None:
            self._reloading = asyncio.Lock()
        async with self._reloading:
            rules, issues = self.load_rules()
            if issues:
                for issue in issues:
                    _LOGGER.error("%s", issue)
                _LOGGER.error("Rules not reloaded: %d problem(s); the running rules are kept",
                              len(issues))
                return issues
            self._apply(rules)
            return []

    def _apply(self, rules: Mapping[str, Rule]) -> None:
        old, kept, replaced = self.rules, 0, 0
        current: dict[str, Automation] = {}
        self.issues = []
        for rule_id, rule in rules.items():
            automation = old.get(rule_id)
            if automation is not None and automation.rule.digest == rule.digest:
                moved = (automation.rule.file, automation.rule.line) != (rule.file, rule.line)
                automation.rule = rule
                current[rule_id] = automation
                kept += 1
                if moved:
                    automation.write_state()
                continue
            fresh = Automation(self, rule)
            if automation is not None:
                replaced += 1
                automation.detach()
                automation.stop_runs("the rule changed on reload")
                if rule.initial_state is None:
                    fresh.enabled = automation.enabled
                fresh.last_triggered = automation.last_triggered
                if automation.entity_id != fresh.entity_id:
                    self.hub.states.remove(automation.entity_id)
            current[rule_id] = fresh
            self._attach(fresh)
        removed = [a for rule_id, a in old.items() if rule_id not in rules]
        for automation in removed:
            automation.detach()
            automation.stop_runs("the rule was removed")
            self.trace_store.forget(automation.id)
            self.hub.states.remove(automation.entity_id)
        self.rules = current
        self._warn_unknown_services(rules.values())
        self._pending_changed()
        self.hub.bus.fire(EVENT_AUTOMATION_RELOADED, {
            "kept": kept, "replaced": replaced, "added": len(rules) - kept - replaced,
            "removed": len(removed),
        })
        _LOGGER.info("Rules reloaded: %d kept, %d replaced, %d added, %d removed", kept,
                     replaced, len(rules) - kept - replaced, len(removed))

    # --- traces ---------------------------------------------------------------------------

    def traces(self, rule_id: str) -> list[Trace]:
        """The kept traces of one rule, oldest first (the last `trace_runs` runs)."""
        return self.trace_store.of(rule_id)

    def all_traces(self) -> list[Trace]:
        """Every kept trace, oldest first."""
        return list(self.trace_store)

    def add_trace_listener(self, listener: Callable[[Trace], None]) -> Callable[[], None]:
        """Call `listener` with each trace when its run ends; returns the unsubscribe."""
        return self.trace_store.listen(listener)

    # --- webhooks -------------------------------------------------------------------------

    async def handle_webhook(
        self,
        webhook_id: str,
        payload: Any,
        headers: Mapping[str, str],
        *,
        method: str = "POST",
        query: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        remote: str | None = None,
    ) -> bool:
        """Fire the rule listening to `webhook_id`; False when no rule takes this request
        (no such id, a method the trigger does not allow, or a `remote` address outside the
        local network for a `local_only` trigger)."""
        handler = self.env.webhooks.get(webhook_id)
        if handler is None:
            return False
        allowed = getattr(handler, "allowed_methods", None)
        if allowed and method.upper() not in allowed:
            return False
        if remote is not None and getattr(handler, "local_only", False) and not _local(remote):
            return False
        handler({"json": payload, "data": dict(data or {}), "headers": dict(headers),
                 "query": dict(query or {})})
        return True

    # --- restart survival ------------------------------------------------------------------

    def snapshot_pending(self) -> list[dict[str, Any]]:
        """Everything pending, as plain JSON-able data: `for:` waits of triggers, last runs of
        schedules, runs waiting (delay, wait_template, wait_for_trigger) or queued.

        Each item has `rule` (id), `digest` (of the rule's definition) and `kind` ("for",
        "schedule" or "run"), plus what that kind needs to be resumed. After `stop()`, this
        returns what was pending at the moment of stopping.
        """
        if not self.running:
            return list(self._stopped_snapshot)
        return pending.snapshot(self.rules.values())

    def resume_pending(self, items: Iterable[Mapping[str, Any]]) -> list[str]:
        """Take back items saved by `snapshot_pending` before a restart; return the problems
        (items that could not be taken back, and why). Call after `start()`."""
        return pending.resume(self.rules, items)

    def add_pending_listener(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` (no arguments) whenever a pending item appears or disappears;
        call `snapshot_pending()` then to read them all. Returns the unsubscribe."""
        self._pending_listeners.append(listener)

        def remove() -> None:
            if listener in self._pending_listeners:
                self._pending_listeners.remove(listener)

        return remove

    def _pending_changed(self) -> None:
        for listener in tuple(self._pending_listeners):
            try:
                listener()
            except Exception:
                _LOGGER.exception("Pending-items listener %r failed", listener)

    def restore(
        self, rule_id: str, *, enabled: bool | None = None,
        last_triggered: datetime | str | None = None,
    ) -> bool:
        """Put back a rule's on/off state and last_triggered saved before a restart.

        `rule_id` may also be the entity id. Before `start()` the values are kept for it; a
        rule with `initial_state` keeps that. Returns False for an unknown rule (after start).
        """
        when = datetime.fromisoformat(last_triggered) if isinstance(last_triggered, str) \
            else last_triggered
        if not self.running:
            self._restored[rule_id] = (enabled, when)
            return True
        automation = self._find(rule_id)
        if automation is None:
            return False
        if when is not None:
            automation.last_triggered = when
        if enabled is not None and automation.rule.initial_state is None:
            if enabled:
                automation.turn_on()
            else:
                automation.turn_off(stop_actions=False)
        automation.write_state()
        return True

    def restore_state(self, state: State) -> bool:
        """`restore()` from a saved `automation.<id>` State."""
        return self.restore(state.entity_id, enabled=state.state == "on",
                            last_triggered=state.attributes.get("last_triggered"))

    def _find(self, key: str) -> Automation | None:
        found = self.rules.get(key)
        if found is not None:
            return found
        return next((a for a in self.rules.values() if a.entity_id == key), None)

    def _apply_restored(self, automation: Automation) -> None:
        saved = self._restored.pop(automation.id, None) \
            or self._restored.pop(automation.entity_id, None)
        if saved is None:
            state = self.hub.states.get(automation.entity_id)
            if state is None or state.context.origin != "restore":
                return
            last = state.attributes.get("last_triggered")
            saved = (state.state == "on",
                     datetime.fromisoformat(last) if isinstance(last, str) else last)
        enabled, last_triggered = saved
        if enabled is not None and automation.rule.initial_state is None:
            automation.enabled = enabled
        if last_triggered is not None:
            automation.last_triggered = last_triggered


def _local(address: str) -> bool:
    """Whether a client address is on the local network (or the host itself)."""
    try:
        ip = ipaddress.ip_address(address.split("%", maxsplit=1)[0])
    except ValueError:
        return False
    return ip.is_private or ip.is_loopback or ip.is_link_local


def iter_steps(steps: Iterable[Step]) -> Iterator[Step]:
    """Every step, nested ones included."""
    for step in steps:
        yield step
        for attribute in ("steps", "then", "else_", "default", "branches"):
            children = getattr(step, attribute, None)
            if isinstance(children, tuple):
                yield from iter_steps(children)
        for _, option_steps in getattr(step, "options", ()):
            yield from iter_steps(option_steps)
