"""`trigger: time` — at a time of day, at the time or instant an entity holds, on chosen weekdays.

Fixed times run as cron jobs on the hub's scheduler (APScheduler's CronTrigger computes the
next time, daylight saving included). An entity's time is re-read whenever the entity changes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.events import Event
from kozani_hub.core.scheduler import Job
from kozani_hub.core.states import State, valid_entity_id

from ..durations import TIME_HELP, parse_duration, parse_time_of_day
from ..problems import Invalid, mark_of, show
from .base import After, Attachment, Fire, LastRun, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
AtItem = str | int | dict[str, Any]


class TimeTriggerConfig(TriggerConfig):
    label = "time trigger"
    trigger: Literal["time"]
    at: AtItem | list[AtItem] = Field(
        description='a time such as "07:30", an entity holding a time or an instant, '
        "{entity_id, offset}, or a list of these"
    )
    weekday: Weekday | list[Weekday] | None = Field(None, description="mon, tue, ... sun, or a list")


@dataclass(frozen=True, slots=True)
class EntityTime:
    """`at:` an entity: an input_datetime, a timestamp sensor, or any state holding a time."""

    entity_id: str
    offset: timedelta

    def next_after(self, state: State | None, env: Env, after: datetime) -> datetime | None:
        """The next instant this entity names, strictly after `after`."""
        held = read_time(state, env)
        if held is None:
            return None
        if isinstance(held, datetime):
            when = held + self.offset
            return when if when > after else None
        day = after.astimezone(env.tz).date()
        for shift in range(-1, 3):
            when = at_local(day + timedelta(days=shift), held, env) + self.offset
            if when > after:
                return when
        return None


def at_local(day: date, moment: time, env: Env) -> datetime:
    return datetime.combine(day, moment, tzinfo=env.tz)


def read_time(state: State | None, env: Env) -> datetime | time | None:
    """The time of day, or the instant, that a state holds (None when it holds neither)."""
    if state is None or state.state in ("unknown", "unavailable", ""):
        return None
    attrs = state.attributes
    if attrs.get("has_date") is True and attrs.get("has_time") is False:
        try:
            day = date.fromisoformat(state.state[:10])
        except ValueError:
            return None
        return datetime.combine(day, time(), tzinfo=env.tz)
    try:
        return parse_time_of_day(state.state)
    except ValueError:
        pass
    try:
        when = datetime.fromisoformat(state.state)
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=env.tz)


class TimeTrigger(Trigger):
    platform = "time"
    Config = TimeTriggerConfig
    __slots__ = ("entities", "times", "weekdays")

    def __init__(
        self,
        base: TriggerBase,
        times: tuple[time, ...],
        entities: tuple[EntityTime, ...],
        weekdays: tuple[str, ...] | None,
    ) -> None:
        super().__init__(base)
        self.times = times
        self.entities = entities
        self.weekdays = weekdays

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: TimeTriggerConfig = config
        items = cfg.at if isinstance(cfg.at, list) else [cfg.at]
        where = mark_of(data, "at", mark)
        times: list[time] = []
        entities: list[EntityTime] = []
        for item in items:
            if isinstance(item, dict):
                entities.append(_entity_item(item, where))
            elif isinstance(item, str) and valid_entity_id(item.strip().lower()):
                entities.append(EntityTime(compiler.text(item.strip().lower()), timedelta(0)))
            else:
                try:
                    times.append(parse_time_of_day(item))
                except ValueError as err:
                    message = str(err) if isinstance(item, int) else \
                        f"'at' must be {TIME_HELP} or an entity id, got {show(item)}"
                    raise Invalid(where, message) from None
        weekdays = None
        if cfg.weekday is not None:
            weekdays = tuple(cfg.weekday if isinstance(cfg.weekday, list) else [cfg.weekday])
        return cls(base, tuple(times), tuple(entities), weekdays)

    def _crons(self, env: Env) -> list[CronTrigger]:
        days = ",".join(self.weekdays) if self.weekdays else None
        return [
            CronTrigger(
                hour=t.hour, minute=t.minute, second=t.second, day_of_week=days, timezone=env.tz
            )
            for t in self.times
        ]

    def _day_allowed(self, when: datetime, env: Env) -> bool:
        return self.weekdays is None or WEEKDAYS[when.astimezone(env.tz).weekday()] in self.weekdays

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        crons = self._crons(env)
        attachment = Attachment()

        def next_after(after: datetime) -> datetime | None:
            found = [c.get_next_fire_time(None, after + timedelta(microseconds=1)) for c in crons]
            for entity in self.entities:
                found.append(entity.next_after(env.states.get(entity.entity_id), env, after))
            candidates = [f for f in found if f is not None and self._day_allowed(f, env)]
            return min(candidates) if candidates else None

        def fire_at(entity_id: str | None, scheduled: datetime, missed: bool = False) -> None:
            now = env.local_now()
            description = f"time {scheduled.astimezone(env.tz):%H:%M:%S}"
            if entity_id:
                description += f" from {entity_id}"
            data = self.data(now=now, entity_id=entity_id, description=description)
            if missed:
                data["missed"] = True
                data["scheduled"] = scheduled.astimezone(env.tz)
            last.fired(env.now())
            fire(data, None)

        last = LastRun(env, lambda due, missed: fire_at(None, due, missed), next_after)
        attachment.schedule = last
        for cron in crons:
            job = env.scheduler.on(After(cron), _job_callback(env, fire_at), name="time trigger")
            attachment.undo.append(job.cancel)
        for entity in self.entities:
            attachment.undo.extend(self._attach_entity(env, entity, fire_at))
        return attachment

    def _attach_entity(
        self, env: Env, entity: EntityTime, fire_at: Callable[[str | None, datetime], None]
    ) -> list[Callable[[], None]]:
        job: list[Job | None] = [None]

        def arm(after: datetime) -> None:
            if job[0] is not None:
                job[0].cancel()
                job[0] = None
            when = entity.next_after(env.states.get(entity.entity_id), env, after)
            if when is not None:
                job[0] = env.scheduler.at(when, lambda: due(when), name="time trigger")

        def due(when: datetime) -> None:
            job[0] = None
            if self._day_allowed(when, env):
                fire_at(entity.entity_id, when)
            arm(when)

        def changed(event: Event) -> None:
            arm(env.now())

        arm(env.now())
        stop_tracking = env.states.track([entity.entity_id], changed)

        def stop() -> None:
            stop_tracking()
            if job[0] is not None:
                job[0].cancel()

        return [stop]


def _job_callback(
    env: Env, fire_at: Callable[[str | None, datetime], None]
) -> Callable[[], None]:
    def due() -> None:
        fire_at(None, env.now())

    return due


def _entity_item(item: Mapping[str, Any], mark: Mark) -> EntityTime:
    unknown = set(item) - {"entity_id", "offset"}
    entity_id = str(item.get("entity_id", "")).strip().lower()
    if unknown or not valid_entity_id(entity_id):
        raise Invalid(mark, "'at' as a mapping takes 'entity_id' and an optional 'offset', got "
                      f"{dict(item)!r}")
    offset = timedelta(0)
    if "offset" in item:
        try:
            offset = parse_duration(item["offset"], allow_negative=True)
        except ValueError as err:
            raise Invalid(mark, f"'offset': {err}") from None
    return EntityTime(entity_id, offset)
