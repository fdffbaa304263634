"""The hub entities of Modbus devices: what registers each needs, and how it shows them."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Protocol

from kozani_hub.core.clock import Clock
from kozani_hub.core.context import Context
from kozani_hub.entities import BinarySensorEntity, NumberEntity, SensorEntity, SwitchEntity

from .client import Table
from .errors import ModbusError
from .planner import Span
from .scheduler import LinkScheduler
from .schema import BinarySensorConfig, NumberConfig, SensorConfig, SwitchConfig, WriteType
from .values import bit_of, scaled, sensor_value, setpoint_registers

_LOGGER = logging.getLogger(__name__)

Readings = Mapping[Span, list[int]]


def device_context() -> Context:
    return Context(origin="device")


class ModbusEntity(Protocol):
    """What a poller needs of an entity."""

    entity_id: str
    available: bool

    @property
    def spans(self) -> tuple[Span, ...]: ...

    def on_data(self, readings: Readings) -> None: ...

    def write_state(self, context: Context | None = None, *, force_update: bool = False) -> object:
        ...


class ModbusSensor(SensorEntity):
    def __init__(self, config: SensorConfig, entity_id: str | None = None) -> None:
        super().__init__(
            entity_id or f"sensor.{config.object_id}",
            name=config.name,
            unit=config.unit_of_measurement,
            device_class=config.device_class,
            state_class=config.state_class.value if config.state_class else None,
        )
        self.config = config
        self._span = Span(config.table, config.address, config.registers)

    @property
    def spans(self) -> tuple[Span, ...]:
        return (self._span,)

    def on_data(self, readings: Readings) -> None:
        self.native_value = sensor_value(self.config, readings[self._span])
        self.available = True
        self.write_state(device_context())


class ModbusBinarySensor(BinarySensorEntity):
    def __init__(self, config: BinarySensorConfig) -> None:
        super().__init__(
            f"binary_sensor.{config.object_id}", name=config.name, device_class=config.device_class
        )
        self.config = config
        self._span = Span(config.input_type, config.address, 1)

    @property
    def spans(self) -> tuple[Span, ...]:
        return (self._span,)

    def on_data(self, readings: Readings) -> None:
        self.is_on = bit_of(readings[self._span], self.config.bit)
        self.available = True
        self.write_state(device_context())


class ModbusSwitch(SwitchEntity):
    """A pump or valve: written as a coil or a register, optionally read back to verify."""

    def __init__(self, config: SwitchConfig, scheduler: LinkScheduler, clock: Clock) -> None:
        attrs: dict[str, object] = {}
        if config.device_class:
            attrs["device_class"] = config.device_class
        if config.verify is None:
            attrs["assumed_state"] = True
        super().__init__(f"switch.{config.object_id}", name=config.name, attributes=attrs)
        self.config = config
        self._scheduler = scheduler
        self._clock = clock
        self._verify_span: Span | None = None
        self._state_on = self._state_off = 0
        if config.verify is not None:
            verify = config.verify
            default_table = Table.COIL if config.write_type is WriteType.COIL else Table.HOLDING
            table = verify.input_type or default_table
            address = config.address if verify.address is None else verify.address
            self._verify_span = Span(table, address, 1)
            self._state_on = config.command_on if verify.state_on is None else verify.state_on
            self._state_off = config.command_off if verify.state_off is None else verify.state_off

    @property
    def spans(self) -> tuple[Span, ...]:
        return () if self._verify_span is None else (self._verify_span,)

    def on_data(self, readings: Readings) -> None:
        if self._verify_span is None:
            return
        self.is_on = self._interpret(readings[self._verify_span][0])
        self.available = True
        self.write_state(device_context())

    def _interpret(self, raw: int) -> bool | None:
        if raw == self._state_on:
            return True
        if raw == self._state_off:
            return False
        _LOGGER.warning(
            "%s: device reports %d, neither state_on %d nor state_off %d",
            self.entity_id, raw, self._state_on, self._state_off,
        )
        return None

    async def async_turn_on(self, context: Context) -> None:
        await self._command(self.config.command_on, True, context)

    async def async_turn_off(self, context: Context) -> None:
        await self._command(self.config.command_off, False, context)

    async def _command(self, command: int, wanted: bool, context: Context) -> None:
        cfg = self.config
        if cfg.write_type is WriteType.COIL:
            await self._scheduler.write_coils(cfg.device_id, cfg.address, [bool(command)])
        else:
            await self._scheduler.write_registers(cfg.device_id, cfg.address, [command])
        if self._verify_span is None:
            self.is_on = wanted
            self.write_state(context)
            return
        if cfg.verify is not None and cfg.verify.delay > 0:
            await self._clock.sleep(cfg.verify.delay)
        span = self._verify_span
        try:
            values = await self._scheduler.read(
                span.table, cfg.device_id, span.address, 1, urgent=True
            )
        except ModbusError as err:
            raise ModbusError(f"the command was sent, but reading it back failed: {err}") from err
        self.is_on = self._interpret(values[0])
        self.available = True
        self.write_state(context)


class ModbusNumber(NumberEntity):
    """A setpoint in holding registers, kept within min/max/step."""

    def __init__(self, config: NumberConfig, scheduler: LinkScheduler) -> None:
        super().__init__(
            f"number.{config.object_id}",
            name=config.name,
            minimum=config.min_value,
            maximum=config.max_value,
            step=config.step,
            unit=config.unit_of_measurement,
            attributes={"device_class": config.device_class} if config.device_class else None,
        )
        self.config = config
        self._scheduler = scheduler
        self._span = Span(Table.HOLDING, config.address, config.registers)

    @property
    def spans(self) -> tuple[Span, ...]:
        return (self._span,)

    def on_data(self, readings: Readings) -> None:
        value = scaled(self.config, readings[self._span])
        self.value = None if value is None or isinstance(value, str) else float(value)
        self.available = True
        self.write_state(device_context())

    async def async_set_value(self, value: float, context: Context) -> None:
        cfg = self.config
        await self._scheduler.write_registers(
            cfg.device_id, cfg.address, setpoint_registers(cfg, value)
        )
        self.value = value
        self.write_state(context)


AnyModbusEntity = ModbusSensor | ModbusBinarySensor | ModbusSwitch | ModbusNumber
