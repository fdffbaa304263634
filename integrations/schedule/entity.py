"""The schedule entity: on inside a block of its weekly timetable, off outside, with the time of
the next change; computed in the hub's time zone, so a summer-time change moves nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from kozani_hub.core.clock import Timer
from kozani_hub.core.context import Context
from kozani_hub.core.states import STATE_OFF, STATE_ON
from kozani_hub.entities import Entity

from .schema import WEEKDAYS, Block, ScheduleConfig, show

DOMAIN = "schedule"


@dataclass(frozen=True, slots=True)
class Span:
    """One block on one date, as instants."""

    start: datetime
    end: datetime
    block: Block


class Schedule(Entity):
    domain = DOMAIN

    def __init__(self, object_id: str, config: ScheduleConfig) -> None:
        attrs = {"editable": False}
        super().__init__(f"{DOMAIN}.{object_id}", name=config.name, attributes=attrs)
        if config.icon:
            self.static_attributes["icon"] = config.icon
        self.config = config
        self.current: Span | None = None
        self.next_event: datetime | None = None
        self._timer: Timer | None = None

    @property
    def state_value(self) -> object:
        return STATE_ON if self.current is not None else STATE_OFF

    def state_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {}
        if self.current is not None:
            attrs.update(self.current.block.data)
        attrs["next_event"] = self.next_event.isoformat() if self.next_event else None
        return attrs

    def start(self) -> None:
        self.update()

    def stop(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def update(self, context: Context | None = None) -> None:
        """Work out on/off and the next change now, publish, and wake at the next change."""
        self.stop()
        now = self.hub.clock.now()
        spans = self._spans(now.astimezone(self.hub.tz).date())
        self.current = next((s for s in spans if s.start <= now < s.end), None)
        changes = [t for s in spans for t in (s.start, s.end) if t > now]
        self.next_event = min(changes).astimezone(self.hub.tz) if changes else None
        self.write_state(context)
        if self.next_event is not None:
            self._timer = self.hub.clock.call_at(self.next_event, self.update)

    def _spans(self, today: date) -> list[Span]:
        spans = []
        for offset in range(-1, 8):
            day = today + timedelta(days=offset)
            for block in self.config.blocks(day.weekday()):
                end = self._instant(day + timedelta(days=1), time(0)) if block.end is None \
                    else self._instant(day, block.end)
                spans.append(Span(self._instant(day, block.start), end, block))
        return spans

    def _instant(self, day: date, moment: time) -> datetime:
        return datetime.combine(day, moment, self.hub.tz)

    def timetable(self) -> dict[str, list[dict[str, Any]]]:
        """The weekly blocks, as `schedule.get_schedule` answers."""
        return {
            day: [
                {"from": show(b.start), "to": show(b.end), **({"data": b.data} if b.data else {})}
                for b in self.config.blocks(index)
            ]
            for index, day in enumerate(WEEKDAYS)
        }
