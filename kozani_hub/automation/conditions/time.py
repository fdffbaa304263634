"""`condition: time` (after / before / weekday, across midnight) and `condition: sun`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.states import valid_entity_id

from ..durations import TIME_HELP, parse_duration, parse_time_of_day
from ..problems import Invalid, mark_of, show
from ..sun import SunEvent, sun_event_on
from ..triggers.time import WEEKDAYS, Weekday, read_time
from .base import Condition, ConditionConfig, ConditionError, Variables

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env
    from ..trace import Trace

_END_OF_DAY = time(23, 59, 59, 999999)
_TIME_OR_ENTITY = 'a time such as "07:30", or an entity holding a time'


class TimeConditionConfig(ConditionConfig):
    label = "time condition"
    condition: Literal["time"]
    after: str | None = Field(None, description=_TIME_OR_ENTITY)
    before: str | None = Field(None, description=_TIME_OR_ENTITY)
    weekday: Weekday | list[Weekday] | None = Field(None, description="mon, tue, ... sun, or a list")


TimeSource = time | str  # a fixed time, or the entity that holds it


def _source(value: Any, mark: Mark, what: str) -> TimeSource | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if valid_entity_id(text):
        return text
    try:
        return parse_time_of_day(value)
    except ValueError:
        raise Invalid(
            mark, f"'{what}' must be {TIME_HELP} or an entity id, got {show(value)}"
        ) from None


class TimeCondition(Condition):
    kind = "time"
    Config = TimeConditionConfig
    __slots__ = ("after", "before", "weekdays")

    def __init__(
        self,
        path: str,
        enabled: bool,
        after: TimeSource | None,
        before: TimeSource | None,
        weekdays: tuple[str, ...] | None,
    ) -> None:
        super().__init__(path, enabled)
        self.after = after
        self.before = before
        self.weekdays = weekdays

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: TimeConditionConfig = config
        if cfg.after is None and cfg.before is None and cfg.weekday is None:
            raise Invalid(mark, "a time condition needs 'after', 'before' or 'weekday'")
        weekdays = None
        if cfg.weekday is not None:
            weekdays = tuple(cfg.weekday if isinstance(cfg.weekday, list) else [cfg.weekday])
        return cls(
            path,
            cfg.enabled,
            _source(cfg.after, mark_of(data, "after", mark), "after"),
            _source(cfg.before, mark_of(data, "before", mark), "before"),
            weekdays,
        )

    def _resolve(self, env: Env, source: TimeSource | None, default: time) -> time:
        if source is None:
            return default
        if isinstance(source, time):
            return source
        held = read_time(env.states.get(source), env)
        if held is None:
            raise ConditionError(f"{source} holds no time")
        if isinstance(held, datetime):
            return held.astimezone(env.tz).time()
        return held

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        now = env.local_now()
        after = self._resolve(env, self.after, time())
        before = self._resolve(env, self.before, _END_OF_DAY)
        current = now.time().replace(tzinfo=None)
        if after < before:
            if not after <= current < before:
                return False
        elif before <= current < after:
            return False
        return self.weekdays is None or WEEKDAYS[now.weekday()] in self.weekdays

    def why(self, env: Env, variables: Variables) -> str | None:
        now = env.local_now()
        after = self._resolve(env, self.after, time())
        before = self._resolve(env, self.before, _END_OF_DAY)
        return (f"it is {WEEKDAYS[now.weekday()]} {now:%H:%M:%S}; wanted after {after:%H:%M:%S}"
                f" and before {before:%H:%M:%S}"
                + (f" on {', '.join(self.weekdays)}" if self.weekdays else ""))


SunName = Literal["sunrise", "sunset"]


class SunConditionConfig(ConditionConfig):
    label = "sun condition"
    condition: Literal["sun"]
    before: SunName | None = Field(None, description="sunrise or sunset")
    after: SunName | None = Field(None, description="sunrise or sunset")
    before_offset: str | int | float | dict[str, Any] | None = Field(
        None, description='a duration such as "-00:30:00"'
    )
    after_offset: str | int | float | dict[str, Any] | None = Field(
        None, description='a duration such as "01:00:00"'
    )


class SunCondition(Condition):
    kind = "sun"
    Config = SunConditionConfig
    __slots__ = ("after", "after_offset", "before", "before_offset")

    def __init__(
        self,
        path: str,
        enabled: bool,
        before: tuple[SunEvent, timedelta] | None,
        after: tuple[SunEvent, timedelta] | None,
    ) -> None:
        super().__init__(path, enabled)
        self.before = before
        self.after = after

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Condition:
        cfg: SunConditionConfig = config
        if cfg.before is None and cfg.after is None:
            raise Invalid(mark, "a sun condition needs 'before', 'after' or both")

        def offset(value: Any, what: str) -> timedelta:
            if value is None:
                return timedelta(0)
            try:
                return parse_duration(value, allow_negative=True)
            except ValueError as err:
                raise Invalid(mark, f"'{what}': {err}") from None

        before = (SunEvent(cfg.before), offset(cfg.before_offset, "before_offset")) \
            if cfg.before else None
        after = (SunEvent(cfg.after), offset(cfg.after_offset, "after_offset")) \
            if cfg.after else None
        return cls(path, cfg.enabled, before, after)

    def _today(self, env: Env, event: SunEvent, offset: timedelta) -> datetime:
        now = env.local_now()
        when = sun_event_on(env.location, env.tz, event, now.date())
        if when is None:
            raise ConditionError(f"there is no {event.value} today at this location")
        return when + offset

    def test(self, env: Env, variables: Variables, trace: Trace | None) -> bool:
        now = env.now()
        if self.before is not None and now > self._today(env, *self.before):
            return False
        return not (self.after is not None and now < self._today(env, *self.after))

    def why(self, env: Env, variables: Variables) -> str | None:
        now = env.local_now()
        parts = []
        if self.before is not None:
            parts.append(f"before {self._today(env, *self.before).astimezone(env.tz):%H:%M}")
        if self.after is not None:
            parts.append(f"after {self._today(env, *self.after).astimezone(env.tz):%H:%M}")
        return f"it is {now:%H:%M}; wanted " + " and ".join(parts)
