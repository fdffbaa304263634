"""The hub announces its API with zeroconf, on the loopback interface when bound there."""

from __future__ import annotations

from zeroconf import IPVersion
from zeroconf.asyncio import AsyncZeroconf

from kozani_hub.http.announce import SERVICE_TYPE, Announcer, service_name
from kozani_hub.hub import Hub


async def test_a_browser_on_loopback_finds_the_hub(hub: Hub) -> None:
    announcer = Announcer(hub, "127.0.0.1", 18123)
    await announcer.start()
    browser = AsyncZeroconf(interfaces=["127.0.0.1"], ip_version=IPVersion.V4Only)
    try:
        info = await browser.async_get_service_info(
            SERVICE_TYPE, service_name(hub.name), timeout=3000
        )
        assert info is not None
        assert info.port == 18123
        assert info.parsed_addresses() == ["127.0.0.1"]
        assert info.properties[b"path"] == b"/api/"
    finally:
        await browser.async_close()
        await announcer.stop()


def test_service_names_are_safe_labels() -> None:
    assert service_name("Kozani demo district") == "Kozani demo district._kozani-hub._tcp.local."
    assert service_name("a.b/c") == "a-b-c._kozani-hub._tcp.local."
