"""Modbus: water pumps, tank levels and energy meters on TCP, RTU-over-TCP and RS-485 links.

The package keeps the integration contract (DESIGN section 5): `DOMAIN`, `CONFIG_SCHEMA` for the
`modbus:` section (see `link_schema`), and `async_setup(hub, config)`. Device I/O sits in
`client` (pymodbus behind a small class), pacing and reconnects in `scheduler`, merged reads
in `planner`, polling in `poller`; `simulator` serves registers on 127.0.0.1 for the demo,
the tests and the benchmark.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from .link import ModbusLink
from .link_schema import ModbusConfig
from .services import DOMAIN, register_services

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

CONFIG_SCHEMA = ModbusConfig

_LOGGER = logging.getLogger(__name__)
#: The logger pymodbus writes everything to.
PYMODBUS_LOGGER = "pymodbus.logging"


class DemotePymodbus(logging.Filter):
    """Turn pymodbus's own log lines into debug lines.

    pymodbus logs every failed connect and every unanswered request; this integration reports
    the same faults itself, typed and once per streak, so a technician's log is not flooded.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.CRITICAL:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return True


class ModbusIntegration:
    """The running integration: its links, their entities, and the services."""

    def __init__(self, hub: Hub, config: ModbusConfig) -> None:
        self.hub = hub
        self.links = {link.name: ModbusLink(link, hub.clock) for link in config.links}
        self._undo: list[Callable[[], None]] = []
        self._entity_ids: list[str] = []
        self._quiet = DemotePymodbus()

    async def async_start(self) -> None:
        logging.getLogger(PYMODBUS_LOGGER).addFilter(self._quiet)
        try:
            for link in self.links.values():
                for entity in link.entities:
                    self.hub.entities.add(entity)
                    self._entity_ids.append(entity.entity_id)
            self._undo = list(register_services(self.hub.services, self.links))
            for link in self.links.values():
                link.start()
        except Exception:
            await self.async_stop()
            raise
        _LOGGER.info(
            "Modbus: %d links, %d entities", len(self.links), len(self._entity_ids)
        )

    async def async_stop(self) -> None:
        for link in self.links.values():
            await link.stop()
        for undo in self._undo:
            undo()
        self._undo.clear()
        for entity_id in self._entity_ids:
            self.hub.entities.remove(entity_id)
        self._entity_ids.clear()
        logging.getLogger(PYMODBUS_LOGGER).removeFilter(self._quiet)


async def async_setup(hub: Hub, config: ModbusConfig) -> ModbusIntegration:
    """Create the entities, register the services and start polling."""
    integration = ModbusIntegration(hub, config)
    await integration.async_start()
    return integration


__all__ = ["CONFIG_SCHEMA", "DOMAIN", "ModbusIntegration", "async_setup"]
