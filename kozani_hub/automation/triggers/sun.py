"""`trigger: sun` — at sunrise or sunset at the hub's location, shifted by an offset."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.core.scheduler import Job

from ..durations import format_duration, parse_duration
from ..problems import Invalid, mark_of
from ..sun import SunEvent, next_sun_event
from .base import Attachment, Fire, LastRun, Trigger, TriggerBase, TriggerConfig

if TYPE_CHECKING:
    from ..compiler import Compiler
    from ..env import Env


class SunTriggerConfig(TriggerConfig):
    label = "sun trigger"
    trigger: Literal["sun"]
    event: Literal["sunrise", "sunset"] = Field(description="sunrise or sunset")
    offset: str | int | float | dict[str, Any] | None = Field(
        None, description='a duration before (-) or after the event, such as "-00:30:00"'
    )


class SunTrigger(Trigger):
    platform = "sun"
    Config = SunTriggerConfig
    __slots__ = ("event", "offset")

    def __init__(self, base: TriggerBase, event: SunEvent, offset: timedelta) -> None:
        super().__init__(base)
        self.event = event
        self.offset = offset

    @classmethod
    def build(
        cls, base: TriggerBase, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Trigger:
        cfg: SunTriggerConfig = config
        offset = timedelta(0)
        if cfg.offset is not None:
            try:
                offset = parse_duration(cfg.offset, allow_negative=True)
            except ValueError as err:
                raise Invalid(mark_of(data, "offset", mark), f"'offset': {err}") from None
        return cls(base, SunEvent(cfg.event), offset)

    def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
        job: list[Job | None] = [None]

        def next_after(after: datetime) -> datetime | None:
            return next_sun_event(env.location, env.tz, self.event, self.offset, after)

        def fire_now(scheduled: datetime, missed: bool = False) -> None:
            data = self.data(
                event=self.event.value,
                offset=self.offset,
                description=f"{self.event.value}"
                + (f" {format_duration(self.offset)}" if self.offset else ""),
            )
            if missed:
                data["missed"] = True
                data["scheduled"] = scheduled.astimezone(env.tz)
            last.fired(env.now())
            fire(data, None)

        def arm(after: datetime) -> None:
            when = next_after(after)
            job[0] = None if when is None else env.scheduler.at(
                when, lambda: due(when), name=f"sun trigger {self.event.value}"
            )

        def due(when: datetime) -> None:
            fire_now(when)
            arm(when)

        def stop() -> None:
            if job[0] is not None:
                job[0].cancel()

        last = LastRun(env, fire_now, next_after)
        arm(env.now())
        attachment = Attachment([stop])
        attachment.schedule = last
        return attachment
