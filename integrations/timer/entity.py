"""The timer entity: idle, active or paused, on the hub's clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Final

from integrations.helper_base import HelperEntity, when_started
from integrations.helper_base.schema import format_duration
from kozani_hub.automation.durations import parse_duration
from kozani_hub.core.clock import Timer as ClockTimer
from kozani_hub.core.context import Context
from kozani_hub.core.events import Unsubscribe
from kozani_hub.core.states import State

from .schema import TimerConfig

DOMAIN = "timer"
IDLE: Final = "idle"
ACTIVE: Final = "active"
PAUSED: Final = "paused"
STATUSES = (IDLE, ACTIVE, PAUSED)


class Timer(HelperEntity):
    """A countdown. Fires `timer.started`, `restarted`, `paused`, `cancelled`, `changed` and
    `finished` (with `finished_at`), each with the timer's `entity_id`."""

    domain = DOMAIN

    def __init__(self, object_id: str, config: TimerConfig) -> None:
        super().__init__(
            f"{DOMAIN}.{object_id}", name=config.name, icon=config.icon, restore=config.restore
        )
        self.config = config
        self.status: str | None = None if config.restore else IDLE
        self.running_duration = config.duration
        self.remaining: timedelta | None = None
        self.end: datetime | None = None
        self._alarm: ClockTimer | None = None
        self._finish_at_start: Unsubscribe | None = None

    @property
    def state_value(self) -> object:
        return self.status

    def state_attributes(self) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "duration": format_duration(self.running_duration),
            "editable": False,
        }
        if self.end is not None:
            attrs["finishes_at"] = self.end.isoformat()
        if self.remaining is not None:
            attrs["remaining"] = format_duration(self.remaining)
        if self.config.restore:
            attrs["restore"] = True
        return attrs

    # --- restore ------------------------------------------------------------------------

    def take_saved(self, state: State) -> bool:
        if state.state not in STATUSES:
            return False
        attrs = state.attributes
        try:
            self.running_duration = parse_duration(attrs.get("duration", "0:00:00"))
            if state.state == PAUSED:
                self.remaining = parse_duration(attrs["remaining"])
            elif state.state == ACTIVE:
                self.end = datetime.fromisoformat(str(attrs["finishes_at"]))
        except (KeyError, ValueError):
            return False
        self.status = state.state
        if self.end is not None:
            self._resume(self.end)
        return True

    def _resume(self, end: datetime) -> None:
        """Go on to the saved finish time; one that passed while the hub was down finishes
        once the hub (its rules included) has started, so rules hear `timer.finished`."""
        if end > self.hub.clock.now():
            self._alarm = self.hub.clock.call_at(end, self._ring)
        else:
            self._finish_at_start = when_started(self.hub, self._ring)

    def take_default(self) -> None:
        self.status = IDLE

    def will_remove(self) -> None:
        self._stop_alarm()

    # --- the countdown ------------------------------------------------------------------

    def _stop_alarm(self) -> None:
        if self._alarm is not None:
            self._alarm.cancel()
            self._alarm = None
        if self._finish_at_start is not None:
            self._finish_at_start()
            self._finish_at_start = None

    def _publish(self, event: str, context: Context, **data: Any) -> None:
        self.settled = True
        self.write_state(context)
        self.hub.bus.fire(f"timer.{event}", {"entity_id": self.entity_id, **data}, context)

    def start(self, duration: timedelta | None, context: Context) -> None:
        event = "restarted" if self.status in (ACTIVE, PAUSED) else "started"
        self._stop_alarm()
        if duration:
            self.remaining = self.running_duration = duration
        elif not self.remaining:
            self.remaining = self.running_duration
        self.status = ACTIVE
        self.end = self.hub.clock.now() + self.remaining
        self._alarm = self.hub.clock.call_at(self.end, self._ring)
        self._publish(event, context)

    def pause(self, context: Context) -> None:
        if self.status != ACTIVE or self.end is None:
            return
        self._stop_alarm()
        self.remaining = self.end - self.hub.clock.now()
        self.status, self.end = PAUSED, None
        self._publish("paused", context)

    def cancel(self, context: Context) -> None:
        if self.status not in (ACTIVE, PAUSED):
            return
        self._stop_alarm()
        self._to_idle()
        self._publish("cancelled", context)

    def finish(self, context: Context) -> None:
        if self.status not in (ACTIVE, PAUSED):
            return
        self._stop_alarm()
        end = self.end or self.hub.clock.now()
        self._to_idle()
        self._publish("finished", context, finished_at=end.isoformat())

    def change(self, delta: timedelta, context: Context) -> None:
        if self.status not in (ACTIVE, PAUSED):
            raise ValueError("the timer is not running; start it first")
        now = self.hub.clock.now()
        left = (self.end - now) if self.end is not None else (self.remaining or timedelta(0))
        if left + delta > self.running_duration:
            raise ValueError(
                f"cannot add {format_duration(delta)}: {format_duration(left)} is left of a "
                f"{format_duration(self.running_duration)} timer"
            )
        if left + delta < timedelta(0):
            raise ValueError(
                f"cannot take away {format_duration(-delta)}: only {format_duration(left)} is left"
            )
        if self.end is not None:
            self._stop_alarm()
            self.end += delta
            self.remaining = self.end - now
            self._alarm = self.hub.clock.call_at(self.end, self._ring)
        else:
            self.remaining = left + delta
        self._publish("changed", context)

    def _to_idle(self) -> None:
        self.status, self.end, self.remaining = IDLE, None, None
        self.running_duration = self.config.duration

    def _ring(self) -> None:
        self._alarm = None
        self._finish_at_start = None
        self.finish(Context())
