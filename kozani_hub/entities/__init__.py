"""Entities: the objects integrations create for their devices, and the services that reach them."""

from .base import Entity
from .binary_sensor import BinarySensorEntity
from .light import LightEntity
from .number import NumberEntity
from .registry import DuplicateEntity, EntityRegistry
from .sensor import SensorEntity
from .switch import SwitchEntity

__all__ = [
    "BinarySensorEntity",
    "DuplicateEntity",
    "Entity",
    "EntityRegistry",
    "LightEntity",
    "NumberEntity",
    "SensorEntity",
    "SwitchEntity",
]
