"""Staged incidents, so that a new user sees alerts without waiting for a real emergency:
a resident presses the SOS button, a tank springs a leak, a care sensor goes silent. Each is announced in the log and
with a `demo_incident` event, and is otherwise indistinguishable from the real thing."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from kozani_hub.core.scheduler import Job

from .config import Incidents
from .entities import device_context
from .home_devices import HomeDevices
from .water_station import WaterStation

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

EVENT_DEMO_INCIDENT = "demo_incident"


class IncidentStager:
    """Schedules the enabled incidents on the hub's clock, counted from `start()`."""

    def __init__(
        self,
        hub: Hub,
        config: Incidents,
        homes: dict[str, HomeDevices],
        water: WaterStation,
    ) -> None:
        self._hub = hub
        self._config = config
        self._homes = homes
        self._water = water
        self._jobs: list[Job] = []

    def start(self) -> None:
        sched = self._hub.scheduler
        if self._config.sos.enabled:
            self._jobs.append(sched.later(self._config.sos.after, self.sos, "demo SOS"))
        if self._config.tank_leak.enabled:
            self._jobs.append(sched.later(self._config.tank_leak.after, self.leak, "demo leak"))
        silent = self._config.sensor_silent
        if silent.enabled and silent.resident in self._homes:
            self._jobs.append(sched.later(silent.after, self.silence, "demo silent sensor"))

    def stop(self) -> None:
        for job in self._jobs:
            job.cancel()
        self._jobs.clear()

    def sos(self) -> None:
        """The configured resident presses the SOS button."""
        sos = self._config.sos
        home = self._homes.get(sos.resident)
        if home is None:
            _LOGGER.error("Demo incident: no resident %s to press the SOS button", sos.resident)
            return
        self._announce("sos", f"resident {sos.resident} pressed the SOS button",
                       resident=sos.resident)  # fmt: skip
        home.press_sos(sos.hold)

    def leak(self) -> None:
        """The configured tank starts leaking; it is repaired after the configured duration."""
        leak = self._config.tank_leak
        name = self._water.tanks[leak.tank].spec.name
        self._announce("tank_leak", f"{name} is leaking {leak.rate:g} m³/h",
                       tank=leak.tank, rate=leak.rate)  # fmt: skip
        self._water.set_leak(leak.tank, leak.rate)
        self._jobs = [job for job in self._jobs if job.next_run is not None]
        self._jobs.append(self._hub.scheduler.later(leak.duration, self.repair, "demo repair"))

    def repair(self) -> None:
        leak = self._config.tank_leak
        name = self._water.tanks[leak.tank].spec.name
        self._announce("tank_leak_repaired", f"the leak of {name} is repaired", tank=leak.tank)
        self._water.set_leak(leak.tank, 0.0)

    def silence(self) -> None:
        """The configured care sensor stops answering for the configured duration."""
        silent = self._config.sensor_silent
        home = self._homes[silent.resident]
        entity_id = home.profile.entity_id(
            "sensor" if silent.sensor == "temperature" else "binary_sensor", silent.sensor
        )
        self._announce("sensor_silent", f"{entity_id} stopped answering for "
                       f"{silent.duration / 3600:g} h", entity_id=entity_id)  # fmt: skip
        home.silence(entity_id, silent.duration)

    def _announce(self, kind: str, message: str, **data: object) -> None:
        _LOGGER.warning("Demo incident: %s", message)
        self._hub.bus.fire(
            EVENT_DEMO_INCIDENT, {"kind": kind, "message": message, **data}, device_context()
        )
