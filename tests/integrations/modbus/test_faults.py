"""Faults: a server that dies and comes back, never answers, talks garbage, or refuses."""

from __future__ import annotations

import asyncio
import logging

import pytest

from integrations.modbus.client import Table
from integrations.modbus.scheduler import LinkState
from kozani_hub.core.clock import RealClock
from kozani_hub.core.services import ServiceError

from .conftest import (
    HubFactory,
    ServerProcess,
    link,
    link_goes,
    modbus_link,
    shown,
    wait_state,
)

LOGGER = "integrations.modbus"


def warnings_about(caplog: pytest.LogCaptureFixture, text: str) -> list[str]:
    return [
        r.getMessage() for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith(LOGGER) and text in r.getMessage()
    ]


async def test_entities_go_unavailable_when_the_server_dies_and_recover_by_themselves(
    server: ServerProcess, modbus_hub: HubFactory, caplog: pytest.LogCaptureFixture
) -> None:
    server.set(1, Table.HOLDING, 0, [11])
    sensor = {"name": "Tank 1 level", "address": 0, "scan_interval": 0.1}
    hub = await modbus_hub(link(server.port, sensors=[sensor], reconnect_delay_max=0.3))
    await wait_state(hub, "sensor.tank_1_level", "11")

    scheduler = modbus_link(hub).scheduler
    server.kill()
    # Five failed connects, 0.05, 0.1, 0.2, 0.3, 0.3 s apart: the backoff reached its cap.
    await link_goes(scheduler, LinkState.DOWN, times=5)
    assert shown(hub, "sensor.tank_1_level").state == "unavailable"

    clock = RealClock()
    server.start()
    restarted = clock.monotonic()
    server.set(1, Table.HOLDING, 0, [22])
    await wait_state(hub, "sensor.tank_1_level", "22", within=3)
    recovery = clock.monotonic() - restarted
    assert recovery < 0.3 + 0.1 + 0.3 + 0.5, f"took {recovery:.2f} s to come back"
    assert len(warnings_about(caplog, "retrying with backoff")) == 1, "logged once, not per try"
    noisy = [r for r in caplog.records if r.name.startswith("pymodbus") and r.levelno > 10]
    assert not noisy, "pymodbus's own lines are demoted to debug"


async def test_a_server_that_never_answers_makes_entities_unavailable_and_writes_fail_fast(
    silent_server: ServerProcess, modbus_hub: HubFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sensor = {"name": "Tank 2 level", "address": 0, "scan_interval": 0.05}
    hub = await modbus_hub(link(silent_server.port, sensors=[sensor], timeout=0.1))
    await wait_state(hub, "sensor.tank_2_level", "unavailable")

    scheduler = modbus_link(hub).scheduler
    with pytest.raises(ServiceError, match=r"no answer to function 5 at address 1 within 0\.1 s"):
        await asyncio.wait_for(
            hub.services.call("modbus", "write_coil", {"device_id": 1, "address": 1,
                                                       "value": True}), 2
        )
    # Polling goes on, nothing is stuck: every few silent requests the link is reopened.
    await link_goes(scheduler, LinkState.UP, times=2)
    assert len(warnings_about(caplog, "no answer to function 3 at address 0 within 0.1 s")) == 1


async def test_garbage_from_the_server_is_a_typed_error_and_the_link_reconnects(
    garbage_server: ServerProcess, modbus_hub: HubFactory, caplog: pytest.LogCaptureFixture
) -> None:
    sensor = {"name": "Flow", "address": 0, "scan_interval": 0.05}
    hub = await modbus_hub(link(garbage_server.port, sensors=[sensor]))
    await wait_state(hub, "sensor.flow", "unavailable")

    scheduler = modbus_link(hub).scheduler
    await link_goes(scheduler, LinkState.UP, times=2)
    assert len(warnings_about(caplog, "garbage from the device")) == 1


async def test_an_illegal_address_answer_marks_only_that_entity(
    shared_server: ServerProcess, modbus_hub: HubFactory, caplog: pytest.LogCaptureFixture
) -> None:
    shared_server.set(4, Table.INPUT, 0, [5])
    sensors = [
        {"name": "Good", "device_id": 4, "address": 0, "input_type": "input",
         "scan_interval": 0.05},
        {"name": "Beyond", "device_id": 4, "address": 1000, "input_type": "input",
         "scan_interval": 0.05},
    ]
    hub = await modbus_hub(link(shared_server.port, sensors=sensors))

    await wait_state(hub, "sensor.beyond", "unavailable")
    assert shown(hub, "sensor.good").state == "5"
    assert len(warnings_about(caplog, "exception 2 (illegal data address)")) == 1


async def test_a_dead_device_delays_the_others_by_no_more_than_its_timeout(
    server: ServerProcess, modbus_hub: HubFactory
) -> None:
    server.delay(2, 30)  # device 2 stops answering
    server.set(1, Table.HOLDING, 0, [1])
    sensors = [
        {"name": "Alive", "device_id": 1, "address": 0, "scan_interval": 0.05},
        {"name": "Dead a", "device_id": 2, "address": 0, "scan_interval": 0.05},
        {"name": "Dead b", "device_id": 2, "address": 200, "scan_interval": 0.05},
    ]
    hub = await modbus_hub(link(server.port, sensors=sensors, timeout=0.2, retries=1))
    await wait_state(hub, "sensor.alive", "1")
    await wait_state(hub, "sensor.dead_b", "unavailable")

    clock = RealClock()
    for value in (2, 3, 4):
        server.set(1, Table.HOLDING, 0, [value])
        started = clock.monotonic()
        await wait_state(hub, "sensor.alive", str(value), within=2)
        # One dead request (its timeout) plus one poll interval at most, with some slack.
        assert clock.monotonic() - started < 0.2 + 0.05 + 0.35
