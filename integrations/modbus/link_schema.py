"""The `modbus:` YAML section: a list of links, each with its entities.

```yaml
modbus:
  - name: water
    type: tcp                  # tcp | rtuovertcp | serial
    host: 10.20.0.15
    port: 502
    timeout: 1.0               # seconds to wait for an answer
    retries: 1                 # extra attempts of a failed request
    delay: 0                   # seconds to wait after connecting, for slow gateways
    message_wait_ms: 20        # pause between requests (RS-485 devices need one)
    reconnect_delay: 1         # first wait after a failed connect; doubles each time...
    reconnect_delay_max: 60    # ...up to this cap
    unavailable_after: 3       # consecutive failed polls before entities show unavailable
    sensors: [...]
    binary_sensors: [...]
    switches: [...]
    numbers: [...]
    devices:                   # devices described by a built-in profile
      - { name: Town hall meter, profile: eastron_sdm630, device_id: 10 }
```
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal, Self

from pydantic import Field, RootModel, model_validator

from .client import ClientParams, LinkType
from .profiles import load_profile, profile_names
from .schema import (
    BinarySensorConfig,
    DeviceId,
    EntityCommon,
    Frozen,
    Name,
    NumberConfig,
    Seconds,
    SensorConfig,
    SwitchConfig,
    fail,
    problem,
    raise_all,
    slugify,
)

#: RS-485 devices commonly need a short silence between frames.
SERIAL_MESSAGE_WAIT_MS = 30

PLATFORMS: dict[str, str] = {
    "sensors": "sensor",
    "binary_sensors": "binary_sensor",
    "switches": "switch",
    "numbers": "number",
}


class ProfileDeviceConfig(Frozen):
    """A device whose sensors come from a built-in register profile (e.g. an energy meter)."""

    name: Name
    profile: str
    device_id: DeviceId = 1
    scan_interval: Seconds = 15.0

    @model_validator(mode="after")
    def _known_profile(self) -> Self:
        names = profile_names()
        if self.profile not in names:
            fail(
                "profile",
                f"unknown profile {self.profile!r}; built-in profiles: {', '.join(names)}",
                self.profile,
            )
        return self


class LinkConfig(Frozen):
    name: Name
    type: LinkType
    host: str | None = None
    port: int | str | None = None
    baudrate: int = Field(default=9600, gt=0)
    bytesize: Literal[5, 6, 7, 8] = 8
    parity: Literal["N", "E", "O"] = "N"
    stopbits: Literal[1, 2] = 1
    timeout: float = Field(default=3.0, gt=0, le=60)
    retries: int = Field(default=1, ge=0, le=10)
    delay: float = Field(default=0.0, ge=0, le=60)
    message_wait_ms: int | None = Field(default=None, ge=0, le=10_000)
    reconnect_delay: float = Field(default=1.0, gt=0, le=3600)
    reconnect_delay_max: float = Field(default=60.0, gt=0, le=3600)
    unavailable_after: int = Field(default=3, ge=1, le=100)
    merge_gap: int = Field(default=8, ge=0, le=100)
    max_read_registers: int = Field(default=125, ge=1, le=125)
    sensors: tuple[SensorConfig, ...] = ()
    binary_sensors: tuple[BinarySensorConfig, ...] = ()
    switches: tuple[SwitchConfig, ...] = ()
    numbers: tuple[NumberConfig, ...] = ()
    devices: tuple[ProfileDeviceConfig, ...] = ()

    @model_validator(mode="after")
    def _check_endpoint(self) -> Self:
        if self.type is LinkType.SERIAL:
            if not isinstance(self.port, str) or not self.port:
                fail("port", "a serial link needs port: the serial device, e.g. /dev/ttyUSB0",
                     self.port)
            if self.host is not None:
                fail("host", "a serial link has no host; give the serial device as port")
        else:
            if not self.host:
                fail("host", f"a {self.type} link needs host: the device or gateway address")
            if not isinstance(self.port, int) or not 1 <= self.port <= 65535:
                fail("port", f"a {self.type} link needs port: a TCP port 1..65535, got "
                     f"{self.port!r}", self.port)
        if self.reconnect_delay_max < self.reconnect_delay:
            fail("reconnect_delay_max", f"reconnect_delay_max {self.reconnect_delay_max} is "
                 f"below reconnect_delay {self.reconnect_delay}")
        return self

    @property
    def message_wait(self) -> float:
        """Seconds of silence between requests."""
        ms = self.message_wait_ms
        if ms is None:
            ms = SERIAL_MESSAGE_WAIT_MS if self.type is LinkType.SERIAL else 0
        return ms / 1000

    def client_params(self) -> ClientParams:
        if self.type is LinkType.SERIAL:
            return ClientParams(
                type=self.type, serial_port=str(self.port), baudrate=self.baudrate,
                bytesize=self.bytesize, parity=self.parity, stopbits=self.stopbits,
                timeout=self.timeout,
            )
        return ClientParams(
            type=self.type, host=str(self.host), port=int(self.port or 502), timeout=self.timeout
        )

    def entity_configs(self) -> Iterator[tuple[str, int, EntityCommon]]:
        """(platform key, index, entity config) of every entity written in this link."""
        for key in PLATFORMS:
            for index, entity in enumerate(getattr(self, key)):
                yield key, index, entity


class ModbusConfig(RootModel[tuple[LinkConfig, ...]]):
    """CONFIG_SCHEMA: the `modbus:` section, a list of links."""

    model_config = {"frozen": True}

    @model_validator(mode="before")
    @classmethod
    def _empty_section(cls, data: Any) -> Any:
        return () if data is None or data == {} else data

    @model_validator(mode="after")
    def _unique(self) -> Self:
        links: dict[str, int] = {}
        owners: dict[str, str] = {}
        problems = []
        for i, link in enumerate(self.root):
            if link.name in links:
                problems.append(problem(
                    (i, "name"), f"link name {link.name!r} is already used by link "
                    f"{links[link.name] + 1}; link names must be unique", link.name,
                ))
            links.setdefault(link.name, i)
            for key, j, entity_id, what in _entity_ids(link):
                if entity_id in owners:
                    problems.append(problem(
                        (i, key, j, "name"), f"{what} makes entity id {entity_id}, which "
                        f"{owners[entity_id]} already has; entity ids come from names, so "
                        "rename one", entity_id,
                    ))
                owners.setdefault(entity_id, f"{what} of link {link.name!r}")
        raise_all(problems)
        return self

    @property
    def links(self) -> tuple[LinkConfig, ...]:
        return self.root


def _entity_ids(link: LinkConfig) -> Iterator[tuple[str, int, str, str]]:
    """(key, index, entity id, description) of every entity a link creates."""
    for key, index, entity in link.entity_configs():
        domain = PLATFORMS[key]
        yield key, index, f"{domain}.{entity.object_id}", f"{domain} {entity.name!r}"
    for index, device in enumerate(link.devices):
        for sensor in load_profile(device.profile).sensors:
            entity_id = f"sensor.{slugify(device.name)}_{sensor.key}"
            yield "devices", index, entity_id, f"device {device.name!r} ({device.profile})"
