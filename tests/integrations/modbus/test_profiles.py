"""Built-in register profiles are data files; each must load and make sense."""

from __future__ import annotations

import pytest

from integrations.modbus.codec import DataType
from integrations.modbus.link import profile_sensors
from integrations.modbus.link_schema import ProfileDeviceConfig
from integrations.modbus.profiles import load_profile, profile_names
from integrations.modbus.schema import StateClass


def test_the_eastron_meters_are_built_in() -> None:
    assert {"eastron_sdm120", "eastron_sdm630"} <= set(profile_names())


@pytest.mark.parametrize("name", profile_names())
def test_every_profile_loads_without_overlapping_registers(name: str) -> None:
    profile = load_profile(name)
    taken: dict[tuple[str, int], str] = {}
    for sensor in profile.sensors:
        for address in range(sensor.address, sensor.address + sensor.registers):
            key = (sensor.input_type.value, address)
            assert key not in taken, f"{sensor.key} overlaps {taken.get(key)}"
            taken[key] = sensor.key


def test_energy_totals_only_ever_grow() -> None:
    profile = load_profile("eastron_sdm630")
    energy = [s for s in profile.sensors if s.device_class == "energy"]
    assert {s.key for s in energy} == {"energy_import", "energy_export"}
    assert all(s.state_class is StateClass.TOTAL_INCREASING for s in energy)
    assert all(s.data_type is DataType.FLOAT32 for s in profile.sensors)


def test_a_profiled_device_names_its_sensors_after_itself() -> None:
    device = ProfileDeviceConfig(name="School meter", profile="eastron_sdm630", device_id=12)
    sensors = list(profile_sensors(device))
    assert [s.entity_id for s in sensors][:3] == [
        "sensor.school_meter_voltage_l1",
        "sensor.school_meter_voltage_l2",
        "sensor.school_meter_voltage_l3",
    ]
    assert {s.config.device_id for s in sensors} == {12}
    assert sensors[0].name == "School meter Voltage L1"
