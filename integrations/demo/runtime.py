"""The running demo district: builds the devices, drives them on the hub's clock, stops them.

Everything random comes from one `random.Random(seed)`, split into one stream per device
group in a fixed order, and everything timed comes from the hub's clock and scheduler: under
the simulated clock a day of the district is the same on every run with the same seed.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from kozani_hub.core.clock import Clock, Timer
from kozani_hub.core.events import Event
from kozani_hub.core.scheduler import Job
from kozani_hub.entities import Entity, SensorEntity

from .config import DemoConfig, ModbusServer
from .daylight import Daylight
from .district import DistrictLayout, build_layout
from .entities import report
from .home_devices import HomeDevices
from .incidents import IncidentStager
from .modbus_station import ModbusServeError, ModbusStation
from .school_devices import SchoolDevices
from .sky import RoadWeatherStation, Sky
from .street_devices import StreetDevices
from .water_station import EntityWaterOutput, NoWaterOutput, WaterStation
from .weather import Weather

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

#: Seconds between power, energy and temperature reports (levels follow `update_interval`).
SLOW_REPORT_S = 60.0
#: Seconds between the power readings of the school's meter.
METER_REPORT_S = 30.0
#: Seconds between the status lines in the log; an early one shows the district is alive.
STATUS_EVERY_S = 600.0
EARLY_STATUS_S = 10.0
OUTDOOR_ENTITY_ID = "sensor.kozani_outdoor_temperature"


class Ticker:
    """Calls back every `interval` seconds on the clock, without drift."""

    def __init__(self, clock: Clock, interval: float, callback: Callable[[], None]) -> None:
        self._clock = clock
        self._interval = timedelta(seconds=interval)
        self._callback = callback
        self._next: datetime | None = None
        self._timer: Timer | None = None

    def start(self) -> None:
        self._next = self._clock.now() + self._interval
        self._timer = self._clock.call_at(self._next, self._fire)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _fire(self) -> None:
        assert self._next is not None
        self._next += self._interval
        self._timer = self._clock.call_at(self._next, self._fire)
        self._callback()


class DemoDistrict:
    """The demo integration's instance."""

    def __init__(self, hub: Hub, config: DemoConfig) -> None:
        self.hub = hub
        self.config = config
        self.rng = random.Random(config.seed)
        self.layout: DistrictLayout = build_layout(
            config.streets, config.lamps_per_street, config.residents
        )
        loc = hub.location
        self.daylight = Daylight(loc.latitude, loc.longitude, loc.elevation, hub.tz)
        self.weather = Weather(self._stream(), hub.clock.now())
        self._outdoor_c = self.weather.temperature(hub.clock.now(), hub.tz)
        self.outdoor = SensorEntity(
            OUTDOOR_ENTITY_ID,
            name="Kozani outdoor temperature",
            unit="°C",
            device_class="temperature",
            state_class="measurement",
        )
        self.outdoor.native_value = self.outdoor_c()
        self.streets = [StreetDevices(hub, s, self._stream()) for s in self.layout.streets]
        self.water = WaterStation(
            hub,
            self.layout.tanks,
            self._stream(),
            float_switches=config.float_switches,
            interval=config.update_interval,
        )
        self.school = SchoolDevices(hub, self.layout.school, self._stream(), self.outdoor_c)
        self.homes = {
            p.key: HomeDevices(hub, p, self._stream(), self.outdoor_c)
            for p in self.layout.residents
        }
        # Drawn after every older stream, so adding it changed none of their days.
        self.sky = Sky(self._stream())
        self.sky.next_hour(hub.clock.now(), hub.tz)
        self.road_weather = RoadWeatherStation(self.sky)
        self.incidents = IncidentStager(hub, config.incidents, self.homes, self.water)
        self.entities: list[Entity] = []
        self._jobs: list[Job] = []
        self.modbus: ModbusStation | None = None
        self._slow_every = max(SLOW_REPORT_S, config.update_interval)
        self._tickers = [
            Ticker(hub.clock, self._slow_every, self._slow_reports),
            Ticker(hub.clock, max(METER_REPORT_S, config.update_interval), self.school.tick),
            Ticker(hub.clock, STATUS_EVERY_S, self._log_status),
        ]
        self._changes = 0
        self._status_since = hub.clock.now()
        self._untrack: Callable[[], None] | None = None

    def _stream(self) -> random.Random:
        """An independent random stream, so one device group's draws never shift another's."""
        return random.Random(self.rng.getrandbits(64))

    def outdoor_c(self) -> float:
        """The outdoor temperature as last reported (once a minute)."""
        return self._outdoor_c

    # --- lifecycle ------------------------------------------------------------------------

    async def async_start(self) -> None:
        """Add the entities and start the clocks of every device; undone by `stop`."""
        try:
            if self.config.modbus is not None:
                await self._serve_modbus(self.config.modbus)
            self.start()
        except BaseException:
            await self.async_stop()
            raise

    async def _serve_modbus(self, config: ModbusServer) -> None:
        station = ModbusStation(self.water, config)
        try:
            self.water.output = await station.start()
        except ModbusServeError as err:
            # The rest of the district still runs; the modbus integration shows the tanks
            # and pumps unavailable, which is what a technician would see of a dead PLC.
            _LOGGER.error("%s; the district runs on without its water station", err)
            self.water.output = NoWaterOutput()
            return
        self.modbus = station

    def start(self) -> None:
        if self.water.output is None:
            self.water.output = EntityWaterOutput(self.water)
        dark = self.config.photocell and self.daylight.is_dark(self.hub.clock.now())
        for street in self.streets:
            street.preset(dark)
        self._add_entities()
        self._track_changes()
        for street in self.streets:
            street.start()
        self.school.start()
        for home in self.homes.values():
            home.start()
        self._schedule()
        _LOGGER.info(
            "Demo district created: %d streets with %d lamps and %d motion sensors, %d tanks "
            "and %d pumps%s, 1 school, %d residents' homes; %d entities",
            len(self.streets),
            self.layout.lamp_count,
            len(self.streets),
            len(self.water.tanks),
            sum(len(t.pumps_on) for t in self.water.tanks.values()),
            " (served over Modbus)" if self.modbus is not None else "",
            len(self.homes),
            len(self.entities),
        )

    def _track_changes(self) -> None:
        # Tanks and pumps served over Modbus appear as the modbus integration's entities.
        water = [
            eid
            for t in self.layout.tanks
            for eid in (t.level_entity_id, *t.pump_entity_ids, *t.current_entity_ids)
        ]
        ids = {entity.entity_id for entity in self.entities} | set(water)
        self._untrack = self.hub.states.track(ids, self._count_change)

    def _add_entities(self) -> None:
        groups: list[list[Entity]] = [[self.outdoor, *self.road_weather.entities()]]
        groups += [street.entities() for street in self.streets]
        if self.water.output is not None:
            groups.append(self.water.output.entities())
        groups.append(self.school.entities())
        groups += [home.entities() for home in self.homes.values()]
        for group in groups:
            for entity in group:
                self.hub.entities.add(entity)
                self.entities.append(entity)
                _LOGGER.debug("Created %s (%s)", entity.entity_id, entity.name)

    def _schedule(self) -> None:
        self.water.start()
        for ticker in self._tickers:
            ticker.start()
        sched = self.hub.scheduler
        self._jobs.append(sched.later(EARLY_STATUS_S, self._log_status, "demo status"))
        self._jobs.append(sched.every(timedelta(hours=1), self._weather, name="demo weather"))
        if self.config.photocell:
            self._schedule_photocell()
        self.incidents.start()

    def _schedule_photocell(self) -> None:
        when, dark = self.daylight.next_change(self.hub.clock.now())

        def switch() -> None:
            changed = sum(street.photocell(dark) for street in self.streets)
            _LOGGER.info(
                "Street lamp photocells: %s, %d lamps switched %s",
                "sunset" if dark else "sunrise",
                changed,
                "on" if dark else "off",
            )
            self._schedule_photocell()

        self._jobs = [job for job in self._jobs if job.next_run is not None]
        self._jobs.append(self.hub.scheduler.at(when, switch, name="demo photocell"))

    def stop(self) -> None:
        """Cancel every timer and remove the entities."""
        for ticker in self._tickers:
            ticker.cancel()
        if self._untrack is not None:
            self._untrack()
            self._untrack = None
        self.water.stop()
        self.incidents.stop()
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()
        for street in self.streets:
            street.stop()
        self.school.stop()
        for home in self.homes.values():
            home.stop()
        for entity in reversed(self.entities):
            self.hub.entities.remove(entity.entity_id)
        self.entities.clear()

    async def async_stop(self) -> None:
        self.stop()
        if self.modbus is not None:
            await self.modbus.stop()
            self.modbus = None

    # --- periodic work --------------------------------------------------------------------

    def _log_status(self) -> None:
        now = self.hub.clock.now()
        seconds = (now - self._status_since).total_seconds()
        _LOGGER.info(
            "Demo district: %d state changes in the last %.0f s; %s",
            self._changes,
            seconds,
            self.status_line(),
        )
        self._changes = 0
        self._status_since = now

    def _count_change(self, _event: Event) -> None:
        self._changes += 1

    def _slow_reports(self) -> None:
        """Meters, energy counters and thermometers, which report less often than levels."""
        seconds = self._slow_every
        self._outdoor_c = self.weather.temperature(self.hub.clock.now(), self.hub.tz)
        report(self.outdoor, self._outdoor_c)
        self.road_weather.report()
        for street in self.streets:
            street.report_energy()
        self.school.report_energy()
        for home in self.homes.values():
            home.tick(seconds)

    def _weather(self) -> None:
        self.weather.next_hour(self.hub.clock.now())
        self.sky.next_hour(self.hub.clock.now(), self.hub.tz)

    def status_line(self) -> str:
        """One line a technician can read: what the district is doing right now."""
        tanks = ", ".join(
            f"{t.spec.name.lower()} {t.level_m:.3f} m (pumps "
            f"{'/'.join('on' if on else 'off' for on in t.pumps_on)})"
            for t in self.water.tanks.values()
        )
        lamps_on = sum(street.lamps_on for street in self.streets)
        return (
            f"outdoor {self.outdoor_c():.1f} °C; {tanks}; school {self.school.meter.watts / 1000:.1f}"
            f" kW; {lamps_on}/{self.layout.lamp_count} street lamps on"
        )

    def snapshot(self) -> dict[str, Any]:
        """Entity id → (state, attributes) of every demo entity, for comparing runs."""
        out: dict[str, Any] = {}
        for entity in self.entities:
            state = self.hub.states.get(entity.entity_id)
            if state is not None:
                out[entity.entity_id] = (state.state, dict(state.attributes))
        return out
