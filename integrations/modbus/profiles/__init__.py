"""Built-in register profiles: one YAML file per device model, so adding a meter is adding a file.

A profile lists the device's values (address, type, unit, device and state class); a
`devices:` entry with `profile: <file name>` turns each into a sensor of that device.
"""

from __future__ import annotations

from importlib import resources
from typing import Self

import yaml
from pydantic import Field, model_validator

from ..codec import DataType
from ..schema import Frozen, Name, RegisterTable, StateClass, ValueLayout, fail

_SUFFIX = ".yaml"


class ProfileSensor(ValueLayout):
    key: str = Field(pattern=r"^[a-z0-9]+(_[a-z0-9]+)*$")
    name: Name
    input_type: RegisterTable = RegisterTable.INPUT
    data_type: DataType = DataType.FLOAT32
    unit_of_measurement: str | None = None
    device_class: str | None = None
    state_class: StateClass | None = None


class Profile(Frozen):
    manufacturer: str
    model: str
    description: str = ""
    sensors: tuple[ProfileSensor, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> Self:
        seen: set[str] = set()
        for i, sensor in enumerate(self.sensors):
            if sensor.key in seen:
                fail(("sensors", i, "key"), f"key {sensor.key!r} appears twice", sensor.key)
            seen.add(sensor.key)
        return self


def profile_names() -> list[str]:
    """Names of the built-in profiles (their file names without .yaml)."""
    folder = resources.files(__name__)
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in folder.iterdir()
        if entry.name.endswith(_SUFFIX)
    )


def load_profile(name: str) -> Profile:
    """Read and validate one built-in profile."""
    if name not in profile_names():
        raise KeyError(f"unknown profile {name!r}; built-in profiles: {', '.join(profile_names())}")
    text = resources.files(__name__).joinpath(name + _SUFFIX).read_text(encoding="utf-8")
    return Profile.model_validate(yaml.safe_load(text))
