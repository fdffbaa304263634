"""Integration: demo — a simulated Kozani district, driven by the hub's clock.

Three streets of dimmable LED street lamps with motion sensors, two underground water tanks
filled by pumps and drained by the town, the 1st Gymnasium with its electricity meter,
heating, lighting and occupancy, and residents' homes with motion, door, SOS-button and
temperature sensors following their daily routines. See README.md in this folder.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .config import DemoConfig
from .runtime import DemoDistrict

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

DOMAIN = "demo"
CONFIG_SCHEMA = DemoConfig


async def async_setup(hub: Hub, config: DemoConfig) -> DemoDistrict:
    """Create the district's entities and start its devices."""
    district = DemoDistrict(hub, config)
    await district.async_start()
    return district


__all__ = ["CONFIG_SCHEMA", "DOMAIN", "DemoConfig", "DemoDistrict", "async_setup"]
