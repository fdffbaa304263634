"""The `demo:` section of hub.yaml: how big the simulated district is and what it stages."""

from __future__ import annotations

from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from .district import STREET_NAMES


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SosIncident(_Section):
    """A resident presses the SOS button once, `after` seconds after the demo starts."""

    enabled: bool = True
    after: float = Field(default=180.0, gt=0, description="seconds after start")
    resident: str = Field(default="r01", pattern=r"^r\d{2}$")
    hold: float = Field(default=10.0, gt=0, description="seconds the button reports 'on'")


class TankLeak(_Section):
    """A tank loses water through a burst pipe for a while, starting `after` seconds in."""

    enabled: bool = True
    after: float = Field(default=300.0, gt=0, description="seconds after start")
    tank: Literal["north", "south"] = "north"
    rate: float = Field(default=90.0, gt=0, description="water lost, m³/h")
    duration: float = Field(default=1800.0, gt=0, description="seconds until it is repaired")


HomeSensor = Literal["motion", "door", "sos", "temperature", "bathroom", "fridge", "medicine"]


class SensorSilent(_Section):
    """A resident's care sensor stops answering (`unavailable`) for a while, as one does
    when its battery dies or it falls behind a cupboard; `after` seconds in."""

    enabled: bool = True
    after: float = Field(default=1800.0, gt=0, description="seconds after start")
    resident: str = Field(default="r02", pattern=r"^r\d{2}$")
    sensor: HomeSensor = "fridge"
    duration: float = Field(default=10800.0, gt=0, description="seconds until it is heard again")


class Incidents(_Section):
    sos: SosIncident = SosIncident()
    tank_leak: TankLeak = TankLeak()
    sensor_silent: SensorSilent = SensorSilent()


class ModbusServer(_Section):
    """Serve the water station (tanks and pumps) over Modbus TCP instead of as entities."""

    host: str = "127.0.0.1"
    port: int = Field(default=5020, ge=0, le=65535, description="0 picks a free port")
    unit: int = Field(default=1, ge=1, le=247, description="device (unit) id of the station")


class DemoConfig(_Section):
    """A simulated Kozani district; every field has a default, so `demo:` alone is enough."""

    seed: int = Field(default=2026, description="seed of the random source: same seed, same day")
    streets: int = Field(default=3, ge=1, le=len(STREET_NAMES))
    lamps_per_street: int = Field(default=20, ge=1, le=99)
    residents: int = Field(default=2, ge=0, le=99)
    update_interval: float = Field(
        default=5.0, ge=1.0, le=3600.0, description="seconds between meter and level reports"
    )
    photocell: bool = Field(
        default=True, description="street lamps switch on at sunset and off at sunrise"
    )
    float_switches: bool = Field(
        default=True, description="pumps start at 35 % tank level and stop at 92 %"
    )
    incidents: Incidents = Incidents()
    modbus: ModbusServer | None = None

    @model_validator(mode="after")
    def _sos_resident_exists(self) -> Self:
        sos = self.incidents.sos
        if sos.enabled and not 1 <= int(sos.resident[1:]) <= self.residents:
            have = f"residents r01..r{self.residents:02d}" if self.residents else "no residents"
            raise ValueError(
                f"incidents.sos.resident is {sos.resident}, but the district has {have}; "
                "pick one of them or set incidents.sos.enabled: false"
            )
        silent = self.incidents.sensor_silent
        # The default resident (r02) may be missing from a small district: then nothing goes
        # silent. One named on purpose must exist.
        if silent.enabled and "resident" in silent.model_fields_set \
                and not 1 <= int(silent.resident[1:]) <= self.residents:
            raise ValueError(
                f"incidents.sensor_silent.resident is {silent.resident}, but the district has "
                f"{self.residents} resident(s); pick one of them or set "
                "incidents.sensor_silent.enabled: false"
            )
        return self


__all__ = ["DemoConfig", "Incidents", "ModbusServer", "SensorSilent", "SosIncident", "TankLeak"]
