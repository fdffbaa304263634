"""The water station served over Modbus TCP, as the PLC of a pumping station would serve it.

With `modbus:` in the demo's configuration the tanks and pumps are not entities of the demo:
they sit in the registers of one device (unit) on a loopback Modbus server, and the hub's
`modbus` integration reads them like real equipment. Register map of the unit, tank `i` being
0 for north and 1 for south, and its pump `p` 0 for pump 1 and 1 for pump 2; pump `p` of tank
`i` is pump number `i + 2p` of the station (north 1, south 1, north 2, south 2):

    input register  i       level of tank i in millimetres (uint16)
    input register  2 + n   motor current of pump n in tenths of an ampere (uint16)
    coil            n       run command of pump n (write 1 to start, 0 to stop)
    discrete input  n       pump n running (feedback)

A client writing a coil starts or stops the pump in the simulation; the float switches and
the simulation write the same coil and feedback bit, so a poll always sees the truth.
`modbus_link()` gives the `modbus:` link that reads this map, as hub.yaml would hold it.
"""

from __future__ import annotations

import logging
from typing import Any

from integrations.modbus.client import Table
from integrations.modbus.simulator import ModbusSimulator, WriteEvent
from kozani_hub.core.context import Context
from kozani_hub.entities import Entity

from .config import ModbusServer
from .water import PUMPS_PER_TANK, TANKS, Tank
from .water_station import WaterStation

_LOGGER = logging.getLogger(__name__)

LEVEL_REGISTER = 0
CURRENT_REGISTER = LEVEL_REGISTER + len(TANKS)
PUMP_COIL = 0
REGISTERS_PER_TABLE = 32
MAX_REGISTER = 0xFFFF


class ModbusServeError(Exception):
    """The loopback Modbus server could not listen."""


def level_mm(tank: Tank) -> int:
    return max(0, min(MAX_REGISTER, round(tank.level_m * 1000)))


def current_deciamps(tank: Tank, index: int) -> int:
    return max(0, min(MAX_REGISTER, round(tank.current_a(index) * 10)))


def pump_number(tank_index: int, pump_index: int, tanks: int = len(TANKS)) -> int:
    """The station's number of a pump: all pumps 1 first, then all pumps 2."""
    return tank_index + tanks * pump_index


class ModbusWaterOutput:
    """Tank levels and pump states in the registers of one simulated unit."""

    def __init__(self, station: WaterStation, sim: ModbusSimulator, unit: int) -> None:
        self._station = station
        self._keys = list(station.tanks)
        self._unit = unit
        self._bank = sim.device(unit)
        self._unsubscribe = sim.on_write(self._on_write)
        for tank in station.tanks.values():
            self.show_level(tank)
            for index in range(PUMPS_PER_TANK):
                self._show_pump_bits(tank, index)

    def entities(self) -> list[Entity]:
        return []

    def close(self) -> None:
        self._unsubscribe()

    def index(self, tank: Tank) -> int:
        return self._keys.index(tank.spec.key)

    def show_level(self, tank: Tank) -> None:
        self._bank.set_input(LEVEL_REGISTER + self.index(tank), level_mm(tank))

    def show_pump(self, tank: Tank, index: int, context: Context) -> None:
        self._show_pump_bits(tank, index)

    def _show_pump_bits(self, tank: Tank, index: int) -> None:
        number = pump_number(self.index(tank), index, len(self._keys))
        self._bank.set_coil(PUMP_COIL + number, tank.pumps_on[index])
        self._bank.set_discrete(PUMP_COIL + number, tank.pumps_on[index])
        self._bank.set_input(CURRENT_REGISTER + number, current_deciamps(tank, index))

    def _on_write(self, event: WriteEvent) -> None:
        if event.device_id != self._unit or event.table is not Table.COIL:
            return
        tanks = len(self._keys)
        for offset, value in enumerate(event.values):
            number = event.address + offset - PUMP_COIL
            if 0 <= number < tanks * PUMPS_PER_TANK:
                self._station.set_pump(
                    self._keys[number % tanks],
                    number // tanks,
                    bool(value),
                    Context(origin="device"),
                    reason="Modbus write",
                )


class ModbusStation:
    """The loopback server and the registers it serves; `stop()` undoes `start()`."""

    def __init__(self, station: WaterStation, config: ModbusServer) -> None:
        self._station = station
        self.config = config
        self.server = ModbusSimulator(
            [config.unit], size=REGISTERS_PER_TABLE, host=config.host, port=config.port
        )
        self.output: ModbusWaterOutput | None = None

    @property
    def port(self) -> int:
        return self.server.port

    async def start(self) -> ModbusWaterOutput:
        try:
            await self.server.start()
        except (OSError, RuntimeError) as err:
            raise ModbusServeError(
                f"cannot serve the water station over Modbus on {self.config.host}:"
                f"{self.config.port} ({err}); is the port in use? Choose another "
                "demo.modbus.port, or 0 for any free port"
            ) from err
        self.output = ModbusWaterOutput(self._station, self.server, self.config.unit)
        tanks = len(self._station.tanks)
        pumps = tanks * PUMPS_PER_TANK
        _LOGGER.info(
            "Demo water station served over Modbus TCP on %s:%d, unit %d: input registers "
            "%d-%d tank levels in mm and %d-%d pump currents in 0.1 A, coils %d-%d pump "
            "commands, discrete inputs %d-%d running",
            self.config.host,
            self.server.port,
            self.config.unit,
            LEVEL_REGISTER,
            LEVEL_REGISTER + tanks - 1,
            CURRENT_REGISTER,
            CURRENT_REGISTER + pumps - 1,
            PUMP_COIL,
            PUMP_COIL + pumps - 1,
            PUMP_COIL,
            PUMP_COIL + pumps - 1,
        )
        return self.output

    async def stop(self) -> None:
        if self.output is not None:
            self.output.close()
            self.output = None
        await self.server.stop()


def modbus_link(
    server: ModbusServer, *, scan_interval: float = 5.0, name: str = "Water station"
) -> dict[str, Any]:
    """The `modbus:` link (one list item) that reads the station's tanks and drives its pumps."""
    pumps = [
        (pump_number(i, p), spec, p) for p in range(PUMPS_PER_TANK) for i, spec in enumerate(TANKS)
    ]
    levels = [
        {
            "name": f"{spec.name} level",
            "device_id": server.unit,
            "input_type": "input",
            "address": LEVEL_REGISTER + i,
            "data_type": "uint16",
            "scale": 0.001,
            "precision": 3,
            "unit_of_measurement": "m",
            "device_class": "distance",
            "state_class": "measurement",
            "scan_interval": scan_interval,
        }
        for i, spec in enumerate(TANKS)
    ]
    currents = [
        {
            "name": f"{spec.pump_name(p)} current",
            "device_id": server.unit,
            "input_type": "input",
            "address": CURRENT_REGISTER + n,
            "data_type": "uint16",
            "scale": 0.1,
            "precision": 1,
            "unit_of_measurement": "A",
            "device_class": "current",
            "state_class": "measurement",
            "scan_interval": scan_interval,
        }
        for n, spec, p in pumps
    ]
    switches = [
        {
            "name": spec.pump_name(p),
            "device_id": server.unit,
            "address": PUMP_COIL + n,
            "write_type": "coil",
            "verify": {"input_type": "discrete_input", "address": PUMP_COIL + n},
            "scan_interval": scan_interval,
        }
        for n, spec, p in pumps
    ]
    return {
        "name": name,
        "type": "tcp",
        "host": server.host,
        "port": server.port,
        "timeout": 1.0,
        "sensors": levels + currents,
        "switches": switches,
    }
