"""Bad `modbus:` configuration is reported as FILE:LINE: message, every problem at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from integrations.modbus import CONFIG_SCHEMA
from integrations.modbus.link_schema import ModbusConfig
from kozani_hub.config.hub_config import load_hub_config

HUB = """\
hub:
  name: Kozani water utility
  latitude: 40.3
  longitude: 21.79
modbus:
"""


def problems(tmp_path: Path, section: str) -> list[str]:
    (tmp_path / "hub.yaml").write_text(HUB + section, encoding="utf-8")
    loaded = load_hub_config(tmp_path)
    model, issues = loaded.validate_integration("modbus", CONFIG_SCHEMA)
    assert (model is None) == bool(issues)
    return [str(issue).replace(f"{tmp_path / 'hub.yaml'}:", "hub.yaml:") for issue in issues]


LINK = """\
  - name: water
    type: tcp
    host: 10.20.0.15
    port: 502
"""


def test_layout_mistakes_point_at_their_lines(tmp_path: Path) -> None:
    found = problems(tmp_path, LINK + """\
    sensors:
      - name: Flow
        address: 2
        data_type: float32
        count: 1
      - name: Pressure
        address: 70000
      - name: Level
        address: 65535
        data_type: int32
      - name: Status
        address: 3
        swap: word
    devices:
      - name: Town hall meter
        profile: eastron_sdm999
""")
    assert found == [
        "hub.yaml:14: data_type float32 occupies 2 registers, but count is 1 "
        "(leave count out, or set it to 2) for 'count'",
        "hub.yaml:16: address 70000 is outside the Modbus range 0..65535 for 'address'",
        "hub.yaml:18: int32 at address 65535 spans registers 65535..65536, past the last "
        "Modbus address 65535 for 'address'",
        "hub.yaml:22: swap word reorders registers, but int16 has only one (use none or byte) "
        "for 'swap'",
        "hub.yaml:25: unknown profile 'eastron_sdm999'; built-in profiles: eastron_sdm120, "
        "eastron_sdm630 for 'profile'",
    ]


def test_overlapping_entity_ids_are_reported_where_the_second_is_named(tmp_path: Path) -> None:
    found = problems(tmp_path, LINK + """\
    sensors:
      - name: Tank 1 level
        address: 0
      - name: tank 1 level
        address: 4
      - name: Meter voltage l1
        address: 8
    devices:
      - name: Meter
        profile: eastron_sdm630
  - name: water
    type: serial
    port: /dev/ttyUSB0
""")
    assert found == [
        "hub.yaml:13: sensor 'tank 1 level' makes entity id sensor.tank_1_level, which sensor "
        "'Tank 1 level' of link 'water' already has; entity ids come from names, so rename one "
        "for 'name'",
        "hub.yaml:18: device 'Meter' (eastron_sdm630) makes entity id sensor.meter_voltage_l1, "
        "which sensor 'Meter voltage l1' of link 'water' already has; entity ids come from "
        "names, so rename one for 'name'",
        "hub.yaml:20: link name 'water' is already used by link 1; link names must be unique "
        "for 'name'",
    ]


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ("  - {name: rs485, type: serial}\n", "a serial link needs port"),
        ("  - {name: gw, type: rtuovertcp, port: 502}\n", "a rtuovertcp link needs host"),
        ("  - {name: gw, type: tcp, host: gw, port: 70000}\n", "a TCP port 1..65535"),
        (LINK + "    switches: [{name: Pump, address: 1, command_on: 5}]\n",
         "a coil is 0 or 1; command_on is 5"),
        (LINK + "    binary_sensors: [{name: Alarm, address: 1, bit: 3}]\n",
         "bit picks a bit of a register; a coil is a bit already"),
        (LINK + "    sensors: [{name: Serial, address: 1, data_type: string}]\n",
         "data_type string needs count"),
        (LINK + "    sensors: [{name: Serial, address: 1, data_type: string, count: 2, "
         "scale: 2}]\n", "scale applies to numbers"),
        (LINK + "    numbers: [{name: Setpoint, address: 1, min_value: 5, max_value: 1}]\n",
         "max_value 1.0 is below min_value 5.0"),
        (LINK + "    reconnect_delay: 10\n    reconnect_delay_max: 5\n",
         "reconnect_delay_max 5.0 is below reconnect_delay 10.0"),
    ],
)
def test_each_mistake_says_what_was_expected(tmp_path: Path, section: str, expected: str) -> None:
    found = problems(tmp_path, section)
    assert len(found) == 1, found
    assert expected in found[0]


def test_a_good_section_gives_frozen_links_with_defaults(tmp_path: Path) -> None:
    (tmp_path / "hub.yaml").write_text(HUB + LINK + """\
    sensors:
      - {name: Tank 1 level, address: 0, scale: 0.01, nan_value: "0x8000"}
  - {name: rs485, type: serial, port: /dev/ttyUSB0, baudrate: 19200, parity: E}
""", encoding="utf-8")
    model, issues = load_hub_config(tmp_path).validate_integration("modbus", CONFIG_SCHEMA)
    assert issues == []
    assert isinstance(model, ModbusConfig)
    water, rs485 = model.links
    assert water.sensors[0].nan_value == 0x8000
    assert water.message_wait == 0
    assert rs485.message_wait == 0.03, "RS-485 lines get a pause between requests by default"
    with pytest.raises(ValueError, match="frozen"):
        water.timeout = 9


def test_an_empty_section_means_no_links() -> None:
    assert ModbusConfig.model_validate(None).links == ()
