"""One configured link at run time: its client, scheduler, entities and pollers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kozani_hub.core.clock import Clock

from .client import LinkClient, ModbusClient
from .entities import (
    AnyModbusEntity,
    ModbusBinarySensor,
    ModbusEntity,
    ModbusNumber,
    ModbusSensor,
    ModbusSwitch,
)
from .link_schema import LinkConfig, ProfileDeviceConfig
from .poller import DevicePoller, PollSettings
from .profiles import load_profile
from .scheduler import LinkScheduler, LinkTiming
from .schema import SensorConfig, slugify


class ModbusLink:
    """Everything that hangs off one `modbus:` list entry."""

    def __init__(self, config: LinkConfig, clock: Clock, client: LinkClient | None = None) -> None:
        self.config = config
        self.client: LinkClient = client or ModbusClient(config.client_params())
        timing = LinkTiming(
            message_wait=config.message_wait,
            delay_after_connect=config.delay,
            retries=config.retries,
            reconnect_delay=config.reconnect_delay,
            reconnect_delay_max=config.reconnect_delay_max,
        )
        self.scheduler = LinkScheduler(self.client, clock, timing, config.name)
        self.entities: list[AnyModbusEntity] = list(self._make_entities(clock))
        self.pollers = self._make_pollers(clock)

    @property
    def name(self) -> str:
        return self.config.name

    def start(self) -> None:
        self.scheduler.start()
        for poller in self.pollers:
            poller.start()

    async def stop(self) -> None:
        for poller in self.pollers:
            await poller.stop()
        await self.scheduler.stop()

    async def write_registers(self, device_id: int, address: int, values: list[int]) -> None:
        await self.scheduler.write_registers(device_id, address, values)

    async def write_coils(self, device_id: int, address: int, values: list[bool]) -> None:
        await self.scheduler.write_coils(device_id, address, values)

    def _make_entities(self, clock: Clock) -> Iterator[AnyModbusEntity]:
        cfg = self.config
        for sensor in cfg.sensors:
            yield ModbusSensor(sensor)
        for binary in cfg.binary_sensors:
            yield ModbusBinarySensor(binary)
        for switch in cfg.switches:
            yield ModbusSwitch(switch, self.scheduler, clock)
        for number in cfg.numbers:
            yield ModbusNumber(number, self.scheduler)
        for device in cfg.devices:
            yield from profile_sensors(device)

    def _make_pollers(self, clock: Clock) -> list[DevicePoller]:
        groups: dict[tuple[int, float], list[ModbusEntity]] = defaultdict(list)
        for entity in self.entities:
            key = (entity.config.device_id, entity.config.scan_interval)
            groups[key].append(entity)
        pollers = []
        for (device_id, scan_interval), entities in groups.items():
            settings = PollSettings(
                device_id=device_id,
                scan_interval=scan_interval,
                unavailable_after=self.config.unavailable_after,
                merge_gap=self.config.merge_gap,
                max_read_registers=self.config.max_read_registers,
            )
            pollers.append(DevicePoller(settings, entities, self.scheduler, clock))
        return pollers


def profile_sensors(device: ProfileDeviceConfig) -> Iterator[ModbusSensor]:
    """The sensors a profiled device brings, named '<device name> <value name>'."""
    prefix = slugify(device.name)
    for item in load_profile(device.profile).sensors:
        config = SensorConfig(
            name=f"{device.name} {item.name}",
            device_id=device.device_id,
            scan_interval=device.scan_interval,
            address=item.address,
            input_type=item.input_type,
            data_type=item.data_type,
            count=item.count,
            swap=item.swap,
            scale=item.scale,
            offset=item.offset,
            precision=item.precision,
            unit_of_measurement=item.unit_of_measurement,
            device_class=item.device_class,
            state_class=item.state_class,
        )
        yield ModbusSensor(config, entity_id=f"sensor.{prefix}_{item.key}")

