"""Packages: sections split by subject into files that merge into hub.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.hub_config import load_hub_config

HUB = """\
hub:
  name: Packages
  latitude: 40.3
  longitude: 21.8
packages: !include_dir_named packages
input_boolean:
  night_mode: { name: Night mode }
alerts:
  notifiers: { log: { type: log } }
  people:
    maria: { name: Maria, contacts: [ { notifier: log, address: maria } ] }
  policies:
    care: { steps: [ { notify: [maria] } ] }
  definitions:
    - { id: hub_alert, name: From hub.yaml, severity: low, category: care, policy: care }
"""

LIGHTING = """\
input_boolean:
  street_override: { name: Street override }
template:
  - sensor:
      - name: Lamps on
        state: "{{ 3 }}"
"""

CARE = """\
alerts:
  people:
    nikos: { name: Nikos, contacts: [ { notifier: log, address: nikos } ] }
  definitions:
    - { id: care_alert, name: From the care package, severity: high, category: care, policy: care }
"""


def write(tmp_path: Path, packages: dict[str, str], hub: str = HUB) -> Path:
    (tmp_path / "hub.yaml").write_text(hub)
    (tmp_path / "packages").mkdir()
    for name, text in packages.items():
        (tmp_path / "packages" / f"{name}.yaml").write_text(text)
    return tmp_path


def test_packages_merge_into_hub_yaml(tmp_path: Path) -> None:
    loaded = load_hub_config(write(tmp_path, {"lighting": LIGHTING, "care": CARE}))
    assert set(loaded.integrations["input_boolean"]) == {"night_mode", "street_override"}
    assert len(loaded.integrations["template"]) == 1
    alerts = loaded.core.alerts  # type: ignore[attr-defined]
    assert alerts is not None
    assert {d.id for d in alerts.definitions} == {"hub_alert", "care_alert"}
    assert set(alerts.people) == {"maria", "nikos"}
    # a merged value still knows where it was written
    file, line = loaded.integrations["input_boolean"].mark("street_override")
    assert file.endswith("lighting.yaml") and line == 2


def test_a_key_set_twice_names_both_places(tmp_path: Path) -> None:
    clash = "input_boolean:\n  night_mode: { name: Again }\n"
    with pytest.raises(ConfigError) as err:
        load_hub_config(write(tmp_path, {"clash": clash}))
    message = str(err.value)
    assert "clash.yaml:2:" in message
    assert "'night_mode' is already set at" in message and "hub.yaml:7" in message


def test_packages_may_not_set_core_sections(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="package 'bad' may not set 'http:'"):
        load_hub_config(write(tmp_path, {"bad": "http:\n  port: 9000\n"}))
