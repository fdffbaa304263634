"""A resident's home: motion, door, SOS button and temperature sensors following their day,
and the bathroom's presence sensor and the fridge's and medicine cabinet's door contacts
following the chores around it. Each care sensor reports its battery level (%)."""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from kozani_hub.core.clock import Timer
from kozani_hub.core.scheduler import Job
from kozani_hub.entities import BinarySensorEntity, Entity, SensorEntity

from .chores import Chore, ChoreEvent, plan_chores
from .entities import device_context, report, report_binary
from .motion import MotionProcess
from .residents import (
    ACTIVITY_AFTER,
    Activity,
    Happening,
    ResidentProfile,
    RoutineEvent,
    activity_at,
    indoor_step,
    indoor_target,
    motion_rate,
    plan_day,
)

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

EVENT_SOS_PRESSED = "sos_pressed"
MOTION_HOLD_S = 90.0
NIGHT_UP_HOLD_S = 240.0
DOOR_OPEN_S = 40.0
#: Happenings at which someone passes the door, and those that set the motion sensor off.
DOOR_HAPPENINGS = frozenset({Happening.LEAVE, Happening.RETURN, Happening.VISIT,
                             Happening.VISIT_END})  # fmt: skip
#: Battery levels (%) of a home's care sensors; a profile's `flat_battery` is nearly empty.
BATTERY_PCT = {"motion": 86, "door": 91, "sos": 97, "temperature": 80, "bathroom": 74,
               "fridge": 68, "medicine": 55}  # fmt: skip
FLAT_BATTERY_PCT = 12


class HomeDevices:
    def __init__(
        self,
        hub: Hub,
        profile: ResidentProfile,
        rng: random.Random,
        outdoor_c: Callable[[], float],
    ) -> None:
        self._hub = hub
        self.profile = profile
        self._rng = rng
        self._outdoor_c = outdoor_c
        self._plan_day = hub.now().date()
        self.plan = plan_day(profile, self._plan_day, hub.tz, rng)
        self.activity = activity_at(self.plan, hub.now())
        name = f"Resident {profile.key}"
        self.motion = self._binary("motion", f"{name} motion", "motion")
        self.door = self._binary("door", f"{name} door", "door")
        self.sos = self._binary("sos", f"{name} SOS button", "safety")
        self.bathroom = self._binary("bathroom", f"{name} bathroom", "occupancy")
        self.fridge = self._binary("fridge", f"{name} fridge", "door")
        self.medicine = self._binary("medicine", f"{name} medicine cabinet", "door")
        self.temperature = SensorEntity(
            profile.entity_id("sensor", "temperature"),
            name=f"{name} temperature",
            unit="°C",
            device_class="temperature",
            state_class="measurement",
            attributes=self._attributes("temperature"),
        )
        self._chore_sensors = {Chore.BATHROOM: self.bathroom, Chore.FRIDGE: self.fridge,
                               Chore.MEDICINE: self.medicine}  # fmt: skip
        self._silent: set[str] = set()
        target = indoor_target(profile, self.activity, outdoor_c())
        self._indoor = target + rng.uniform(-0.5, 0.5)
        self.temperature.native_value = round(self._indoor, 1)
        self._process = MotionProcess(
            hub.clock,
            rng,
            rate=self._motion_rate,
            peak=profile.motion_per_hour,
            hold=MOTION_HOLD_S,
            report=self._report_motion,
        )
        self._timers: list[Timer] = []
        self._midnight: Job | None = None

    def _attributes(self, what: str) -> dict[str, object]:
        flat = what == self.profile.flat_battery
        return {"resident": self.profile.key,
                "battery": FLAT_BATTERY_PCT if flat else BATTERY_PCT[what]}  # fmt: skip

    def _binary(self, what: str, name: str, device_class: str) -> BinarySensorEntity:
        entity = BinarySensorEntity(
            self.profile.entity_id("binary_sensor", what),
            name=name,
            device_class=device_class,
            attributes=self._attributes(what),
        )
        entity.is_on = False
        return entity

    def entities(self) -> list[Entity]:
        return [self.motion, self.door, self.sos, self.temperature, self.bathroom,
                self.fridge, self.medicine]  # fmt: skip

    def start(self) -> None:
        self._follow(self.plan)
        self._midnight = self._hub.scheduler.cron_fields(
            self._new_day, name=f"plan of {self.profile.key}", hour=0, minute=0
        )
        self._process.start()

    def stop(self) -> None:
        self._process.stop()
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()
        if self._midnight is not None:
            self._midnight.cancel()
            self._midnight = None

    def tick(self, seconds: float) -> None:
        """Let the indoor temperature drift toward its target for `seconds`."""
        target = indoor_target(self.profile, self.activity, self._outdoor_c())
        self._indoor = indoor_step(self._indoor, target, seconds)
        if self.temperature.entity_id not in self._silent:
            report(self.temperature, round(self._indoor, 1))

    def press_sos(self, hold: float) -> None:
        """The resident presses the SOS button: on for `hold` seconds, and an event."""
        self._report(self.sos, True)
        self._hub.bus.fire(
            EVENT_SOS_PRESSED,
            {"resident": self.profile.key, "entity_id": self.sos.entity_id},
            device_context(),
        )
        self._later(hold, lambda: self._report(self.sos, False))

    def silence(self, entity_id: str, seconds: float) -> None:
        """The sensor stops answering (`unavailable`) for `seconds`, then is heard again."""
        entity = next((e for e in self.entities() if e.entity_id == entity_id), None)
        if entity is None or entity_id in self._silent:
            return
        self._silent.add(entity_id)
        entity.available = False
        entity.write_state(device_context())

        def heard() -> None:
            self._silent.discard(entity_id)
            entity.available = True
            entity.write_state(device_context())

        self._later(seconds, heard)

    def _new_day(self) -> None:
        today = self._hub.now().date()
        if today == self._plan_day:
            return  # started at midnight: today is planned already
        self._timers = [t for t in self._timers if not t.cancelled]
        self._plan_day = today
        self.plan = plan_day(self.profile, today, self._hub.tz, self._rng)
        self._follow(self.plan)

    def _follow(self, plan: list[RoutineEvent]) -> None:
        now = self._hub.clock.now()
        for event in plan:
            if event.at > now:
                self._timers.append(self._hub.clock.call_at(event.at, self._happen(event)))
        for chore in plan_chores(plan):
            if chore.at > now:
                self._timers.append(self._hub.clock.call_at(chore.at, self._do(chore)))

    def _do(self, chore: ChoreEvent) -> Callable[[], None]:
        sensor = self._chore_sensors[chore.what]

        def run() -> None:
            self._report(sensor, True)
            self._later(chore.seconds, lambda: self._report(sensor, False))

        return run

    def _happen(self, event: RoutineEvent) -> Callable[[], None]:
        def run() -> None:
            what = event.what
            _LOGGER.debug("Resident %s: %s", self.profile.key, what.value)
            if what in DOOR_HAPPENINGS:
                self._open_door()
            if what is Happening.NIGHT_UP:
                self._process.trigger(NIGHT_UP_HOLD_S)
            elif self.activity is not Activity.AWAY or what is Happening.RETURN:
                self._process.trigger()
            self.activity = ACTIVITY_AFTER.get(what, self.activity)

        return run

    def _open_door(self) -> None:
        self._report(self.door, True)
        self._later(DOOR_OPEN_S, lambda: self._report(self.door, False))

    def _report(self, sensor: BinarySensorEntity, is_on: bool) -> None:
        """Publish a reading, unless the sensor is silent (it keeps the value for later)."""
        if sensor.entity_id in self._silent:
            sensor.is_on = is_on
            return
        report_binary(sensor, is_on)

    def _later(self, seconds: float, callback: Callable[[], object]) -> None:
        def run() -> None:
            callback()

        self._timers.append(self._hub.clock.call_later(seconds, run))

    def _motion_rate(self, _when: datetime) -> float:
        return motion_rate(self.profile, self.activity)

    def _report_motion(self, is_on: bool) -> None:
        self._report(self.motion, is_on)
