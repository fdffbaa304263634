"""A test integration whose device does not answer at setup."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

DOMAIN = "broken"


class Config(BaseModel):
    pass


CONFIG_SCHEMA = Config


async def async_setup(hub: Any, config: Config) -> Any:
    raise ConnectionRefusedError("gateway 127.0.0.1:1502 refused the connection")
