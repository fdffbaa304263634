"""What every trigger is: a small validated object that attaches to the hub and detaches again.

A trigger class declares its schema (`Config`), builds itself from a checked config at load
(`build`), and at run time `attach`es to the hub, returning an `Attachment` whose `detach()`
undoes everything it did. A trigger with `for:` keeps its pending waits in `Holds`, which can
describe them as plain data and take them back after a restart.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar

from kozani_hub.config.marked import Mark
from kozani_hub.core.clock import Timer
from kozani_hub.core.context import Context

from ..fields import Model, VariablesMap
from ..persist import to_plain
from ..values import Value

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..compiler import Duration as DurationSpec
    from ..env import Env

Fire = Callable[[dict[str, Any], Context | None], None]
"""Called by an attached trigger with the `trigger` variable and the causing context."""


class TriggerConfig(Model):
    """Keys every trigger accepts."""

    id: str | None = None
    alias: str | None = None
    enabled: bool = True
    variables: VariablesMap | None = None


@dataclass(frozen=True, slots=True)
class TriggerBase:
    """Fields every compiled trigger has."""

    idx: str
    id: str
    alias: str | None
    enabled: bool
    variables: Value | None
    path: str


class Trigger:
    """A compiled trigger. Subclasses are immutable; their state lives in the Attachment."""

    __slots__ = ("base",)
    platform: ClassVar[str]
    Config: ClassVar[type[TriggerConfig]]

    def __init__(self, base: TriggerBase) -> None:
        self.base = base

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        """Turn a checked config into the runtime trigger (raise Invalid on problems)."""
        raise NotImplementedError

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        """Start listening; return what undoes it. Raise if it cannot start."""
        raise NotImplementedError

    def data(self, **values: Any) -> dict[str, Any]:
        """The `trigger` variable: platform, id, idx, alias and the trigger's own values."""
        base = self.base
        result: dict[str, Any] = {
            "platform": self.platform,
            "id": base.id,
            "idx": base.idx,
            "alias": base.alias,
        }
        result.update(values)
        return result


class Attachment:
    """An attached trigger: what it subscribed to, its pending waits and its last run."""

    __slots__ = ("holds", "schedule", "undo")

    def __init__(self, undo: list[Callable[[], None]] | None = None) -> None:
        self.undo: list[Callable[[], None]] = undo or []
        self.holds: Holds | None = None
        self.schedule: LastRun | None = None

    def detach(self) -> None:
        """Undo every subscription and cancel every pending wait."""
        if self.holds is not None:
            self.holds.cancel_all()
        undo, self.undo = self.undo, []
        for step in reversed(undo):
            step()

    def pending(self) -> list[dict[str, Any]]:
        """The pending waits (`for:`) and the last run of a schedule, as plain data."""
        items = self.holds.snapshot() if self.holds is not None else []
        if self.schedule is not None:
            items.append(self.schedule.snapshot())
        return items

    def resume(self, item: Mapping[str, Any], *, run_missed: bool = False) -> str | None:
        """Take back what `pending()` described before a restart; a problem text, or None."""
        if item.get("kind") == "schedule" and self.schedule is not None:
            return self.schedule.restore(item, run_missed=run_missed)
        if item.get("kind") == "for" and self.holds is not None and self.holds.restore:
            return self.holds.restore(item)
        return f"this trigger keeps no pending {item.get('kind')!r} item"


class EntityWatch(Attachment):
    """An attached trigger on entities' states (state, numeric_state), called with each
    state change of its entities. A small object rather than a closure: ten thousand rules
    keep ten thousand of these."""

    __slots__ = ("env", "fire", "variables")
    kind: ClassVar[str] = "entity"
    """The trigger's platform, for log lines."""

    def __init__(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> None:
        super().__init__()
        self.env = env
        self.variables = variables
        self.fire = fire

    def fire_or_hold(
        self,
        duration: DurationSpec | None,
        entity_id: str,
        values: dict[str, Any],
        context: Context | None,
        path: str,
    ) -> None:
        """Fire now, or with a `for:` (a period worked out from the trigger's values), once
        `entity_id` has stayed so that long. `path` is the trigger's, for a log line."""
        holds = self.holds
        if duration is None or holds is None:
            self.fire(values, context)
            return
        try:
            period = duration.resolve({**self.variables, "trigger": values})
        except Exception as err:
            self.env.logger.error("%s trigger %s: cannot work out 'for': %s", self.kind, path, err)
            return
        values["for"] = period
        if period <= timedelta(0):
            self.fire(values, context)
        else:
            holds.start(entity_id, period, values, context)


class After:
    """A cron trigger whose first time is strictly after the moment it is attached.

    A rule attached at 12:00:00 sharp waits for the next 12:00, as it would in real time,
    where attaching always takes a moment.
    """

    __slots__ = ("_cron",)

    def __init__(self, cron: Any) -> None:
        self._cron = cron

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is None:
            now = now + timedelta(microseconds=1)
        found: datetime | None = self._cron.get_next_fire_time(previous_fire_time, now)
        return found


class LastRun:
    """When a scheduled trigger last fired, so that a restart can run a missed time once."""

    __slots__ = ("_env", "_fire", "_next_after", "last")

    def __init__(
        self,
        env: Env,
        fire: Callable[[datetime, bool], None],
        next_after: Callable[[datetime], datetime | None],
    ) -> None:
        self._env = env
        self._fire = fire
        self._next_after = next_after
        self.last = env.now()

    def fired(self, when: datetime) -> None:
        self.last = when
        self._env.on_pending_change()

    def snapshot(self) -> dict[str, Any]:
        return {"kind": "schedule", "last": self.last.isoformat()}

    def restore(self, item: Mapping[str, Any], *, run_missed: bool) -> str | None:
        """Run the trigger once if it was due between its last run and now (`missed: run_once`)."""
        try:
            last = datetime.fromisoformat(str(item["last"]))
        except (KeyError, ValueError):
            return "the saved last run is not an instant"
        now = self._env.now()
        due = self._next_after(last)
        if run_missed and due is not None and due <= now:
            self.last = now
            self._fire(due, True)
        return None


class _Hold:
    __slots__ = ("context", "data", "due", "timer")

    def __init__(
        self, timer: Timer, due: datetime, data: dict[str, Any], context: Context | None
    ) -> None:
        self.timer = timer
        self.due = due
        self.data = data
        self.context = context


Restore = Callable[[Mapping[str, Any]], "str | None"]


class Holds:
    """The `for:` waits of one attached trigger, by key (usually the entity id).

    A wait fires the trigger when its duration has passed; the trigger cancels it when the
    entity stops matching. Each wait is describable as plain data for the recorder.
    """

    __slots__ = ("_env", "_fire", "_waits", "restore")

    def __init__(self, env: Env, fire: Fire) -> None:
        self._env = env
        self._fire = fire
        self._waits: dict[str, _Hold] = {}
        self.restore: Restore | None = None

    def __contains__(self, key: str) -> bool:
        return key in self._waits

    def data(self, key: str) -> dict[str, Any] | None:
        """The trigger data of the wait for `key`, if one is running."""
        hold = self._waits.get(key)
        return hold.data if hold is not None else None

    def start(
        self, key: str, duration: timedelta, data: dict[str, Any], context: Context | None
    ) -> None:
        """Fire `data` after `duration`, unless cancelled first (restarts a running wait)."""
        self.start_at(key, self._env.now() + duration, data, context)

    def start_at(
        self, key: str, due: datetime, data: dict[str, Any], context: Context | None
    ) -> None:
        old = self._waits.pop(key, None)
        if old is not None:
            old.timer.cancel()

        def elapsed() -> None:
            hold = self._waits.pop(key, None)
            if hold is not None:
                self._env.on_pending_change()
                self._fire(hold.data, hold.context)

        timer = self._env.clock.call_at(due, elapsed)
        self._waits[key] = _Hold(timer, due, data, context)
        self._env.on_pending_change()

    def cancel(self, key: str) -> None:
        hold = self._waits.pop(key, None)
        if hold is not None:
            hold.timer.cancel()
            self._env.on_pending_change()

    def cancel_all(self) -> None:
        waits, self._waits = self._waits, {}
        for hold in waits.values():
            hold.timer.cancel()
        if waits:
            self._env.on_pending_change()

    def snapshot(self) -> list[dict[str, Any]]:
        return [
            {
                "kind": "for",
                "key": key,
                "due": hold.due.isoformat(),
                "data": to_plain(hold.data),
                "context_id": hold.context.id if hold.context else None,
            }
            for key, hold in self._waits.items()
        ]
