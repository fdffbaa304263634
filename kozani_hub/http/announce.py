"""Announce the hub's API with zeroconf (mDNS), so apps on the network can find it.

The announcement goes out only on the interface the API listens on: a hub bound to
127.0.0.1 announces on the loopback interface alone, and nothing leaves the machine.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from typing import TYPE_CHECKING

from zeroconf import InterfaceChoice, IPVersion, ServiceInfo
from zeroconf.asyncio import AsyncZeroconf

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)

SERVICE_TYPE = "_kozani-hub._tcp.local."


def service_name(hub_name: str) -> str:
    label = "".join(ch if ch.isalnum() or ch in " -" else "-" for ch in hub_name).strip()[:63]
    return f"{label or 'Kozani Hub'}.{SERVICE_TYPE}"


class Announcer:
    """A hub component that registers `<name>._kozani-hub._tcp.local.` while the hub runs."""

    name = "zeroconf"

    def __init__(self, hub: Hub, host: str, port: int) -> None:
        self.hub = hub
        self.host = host
        self.port = port
        self._zeroconf: AsyncZeroconf | None = None
        self._info: ServiceInfo | None = None

    def _addresses(self) -> tuple[list[str] | InterfaceChoice, list[bytes]]:
        if self.host in ("0.0.0.0", "", "::"):
            return InterfaceChoice.All, []
        host = "127.0.0.1" if self.host == "localhost" else self.host
        address = ipaddress.ip_address(host)
        return [host], [address.packed]

    async def start(self) -> None:
        interfaces, addresses = self._addresses()
        info = ServiceInfo(
            SERVICE_TYPE,
            service_name(self.hub.name),
            addresses=addresses or None,
            port=self.port,
            properties={"path": "/api/", "version": "1"},
            server=f"{socket.gethostname().split('.')[0] or 'kozani-hub'}.local.",
        )
        try:
            zeroconf = AsyncZeroconf(interfaces=interfaces, ip_version=IPVersion.V4Only)
            await zeroconf.async_register_service(info, allow_name_change=True)
        except OSError as err:
            _LOGGER.warning("Cannot announce the hub with zeroconf on %s: %s", self.host, err)
            return
        self._zeroconf, self._info = zeroconf, info
        _LOGGER.info("Announced as %s on %s:%d", info.name, self.host, self.port)

    async def stop(self) -> None:
        if self._zeroconf is None:
            return
        if self._info is not None:
            await self._zeroconf.async_unregister_service(self._info)
        await self._zeroconf.async_close()
        self._zeroconf = self._info = None
