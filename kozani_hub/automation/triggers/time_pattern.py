"""`trigger: time_pattern` — every matching hour/minute/second: `"*"`, a number, or `"/5"`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from apscheduler.triggers.cron import CronTrigger
from pydantic import Field

from kozani_hub.config.marked import Mark

from ..problems import Invalid, mark_of, show
from .base import After, Attachment, Fire, LastRun, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env

PATTERN = 'a number, "*" for every one, or "/N" for every Nth (such as "/5")'
Pattern = int | str


class TimePatternTriggerConfig(TriggerConfig):
    label = "time_pattern trigger"
    trigger: Literal["time_pattern"]
    hours: Pattern | None = Field(None, description=PATTERN)
    minutes: Pattern | None = Field(None, description=PATTERN)
    seconds: Pattern | None = Field(None, description=PATTERN)


def cron_field(value: Pattern | None, limit: int, what: str, mark: Mark) -> str:
    """An APScheduler cron field from a Home Assistant pattern value."""
    if value is None:
        return "*"
    text = str(value).strip()
    if text == "*":
        return text
    if text.startswith("/"):
        step = text[1:]
        if step.isdigit() and 0 < int(step) <= limit:
            return f"*/{int(step)}"
    elif text.isdigit() and int(text) <= limit:
        return str(int(text))
    raise Invalid(mark, f"'{what}' must be {PATTERN} from 0 to {limit}, got {show(value)}")


class TimePatternTrigger(Trigger):
    platform = "time_pattern"
    Config = TimePatternTriggerConfig
    __slots__ = ("hour", "minute", "second")

    def __init__(self, base: TriggerBase, hour: str, minute: str, second: str) -> None:
        super().__init__(base)
        self.hour = hour
        self.minute = minute
        self.second = second

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: TimePatternTriggerConfig = config
        hours, minutes, seconds = cfg.hours, cfg.minutes, cfg.seconds
        if hours is None and minutes is None and seconds is None:
            raise Invalid(mark, "a time_pattern trigger needs 'hours', 'minutes' or 'seconds'")
        # As in Home Assistant: a larger unit given makes the smaller ones default to zero.
        if minutes is None and hours is not None:
            minutes = 0
        if seconds is None and minutes is not None:
            seconds = 0
        return cls(
            base,
            cron_field(hours, 23, "hours", mark_of(data, "hours", mark)),
            cron_field(minutes, 59, "minutes", mark_of(data, "minutes", mark)),
            cron_field(seconds, 59, "seconds", mark_of(data, "seconds", mark)),
        )

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        cron = CronTrigger(hour=self.hour, minute=self.minute, second=self.second, timezone=env.tz)

        def next_after(after: datetime) -> datetime | None:
            found: datetime | None = cron.get_next_fire_time(
                None, after + timedelta(microseconds=1)
            )
            return found

        def fire_now(scheduled: datetime, missed: bool = False) -> None:
            data = self.data(now=env.local_now(), description="time pattern")
            if missed:
                data["missed"] = True
                data["scheduled"] = scheduled.astimezone(env.tz)
            last.fired(env.now())
            fire(data, None)

        last = LastRun(env, fire_now, next_after)
        job = env.scheduler.on(After(cron), lambda: fire_now(env.now()),
                               name="time_pattern trigger")
        attachment = Attachment([job.cancel])
        attachment.schedule = last
        return attachment
