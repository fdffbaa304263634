"""`modbus.write_register` and `modbus.write_coil`: raw writes for technicians and rules."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from kozani_hub.core.services import ServiceCall, ServiceError, ServiceRegistry

from .errors import ModbusError
from .link import ModbusLink

DOMAIN = "modbus"

Register = Annotated[int, Field(ge=0, le=0xFFFF)]


class _WriteData(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    link: str | None = None
    device_id: int = Field(ge=0, le=255)
    address: int = Field(ge=0, le=0xFFFF)


class WriteRegisterData(_WriteData):
    value: Register | list[Register] = Field(description="one register, or several from address")


class WriteCoilData(_WriteData):
    value: bool | list[bool] = Field(description="one coil, or several from address")


def register_services(
    services: ServiceRegistry, links: Mapping[str, ModbusLink]
) -> list[Callable[[], None]]:
    """Register the services; returns the functions that remove them again."""

    def find(call: ServiceCall) -> tuple[ModbusLink, WriteRegisterData | WriteCoilData]:
        data = call.model
        if not isinstance(data, WriteRegisterData | WriteCoilData):
            raise ServiceError(f"{call.name}: unexpected data {call.data!r}")
        names = ", ".join(links) or "none"
        if data.link is None:
            if len(links) != 1:
                raise ServiceError(f"{call.name}: name the link, one of: {names}")
            return next(iter(links.values())), data
        link = links.get(data.link)
        if link is None:
            raise ServiceError(f"{call.name}: no Modbus link {data.link!r}; links: {names}")
        return link, data

    async def write_register(call: ServiceCall) -> None:
        link, data = find(call)
        values = data.value if isinstance(data.value, list) else [data.value]
        try:
            await link.write_registers(data.device_id, data.address, [int(v) for v in values])
        except ModbusError as err:
            raise ServiceError(f"{call.name} on link {link.name!r}: {err}") from err

    async def write_coil(call: ServiceCall) -> None:
        link, data = find(call)
        values = data.value if isinstance(data.value, list) else [data.value]
        try:
            await link.write_coils(data.device_id, data.address, [bool(v) for v in values])
        except ModbusError as err:
            raise ServiceError(f"{call.name} on link {link.name!r}: {err}") from err

    return [
        services.register(
            DOMAIN, "write_register", write_register, WriteRegisterData,
            "Write holding registers of a Modbus device",
        ),
        services.register(
            DOMAIN, "write_coil", write_coil, WriteCoilData, "Write coils of a Modbus device"
        ),
    ]
