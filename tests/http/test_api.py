"""The REST API over a real loopback socket, with a real HTTP client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from kozani_hub.core.services import ServiceCall
from kozani_hub.http import HttpServer
from kozani_hub.hub import Hub

TOKEN = "test-token-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
async def server(hub: Hub) -> AsyncIterator[HttpServer]:
    server = HttpServer(
        hub,
        host="127.0.0.1",
        port=0,
        tokens=[TOKEN, "second-token-abcdefghij"],
        max_body_bytes=2048,
    )
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_health_needs_no_token(server: HttpServer, client: aiohttp.ClientSession) -> None:
    async with client.get(f"{server.url}/api/health") as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["name"] == "Kozani Hub"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token-0123456789"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer "},
    ],
)
async def test_states_refuse_missing_or_wrong_tokens(
    server: HttpServer, client: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    async with client.get(f"{server.url}/api/states", headers=headers) as resp:
        assert resp.status == 401
        assert "bearer token" in (await resp.json())["error"]


async def test_states_with_either_token(
    server: HttpServer, client: aiohttp.ClientSession, hub: Hub
) -> None:
    hub.states.set("sensor.tank_north_level", 2.4, {"unit_of_measurement": "m"})
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    async with client.get(f"{server.url}/api/states", headers=AUTH) as resp:
        assert resp.status == 200
        ids = {s["entity_id"] for s in await resp.json()}
    assert ids == {"sensor.tank_north_level", "light.dimokratias_01"}
    headers = {"Authorization": "Bearer second-token-abcdefghij"}
    async with client.get(
        f"{server.url}/api/states/sensor.tank_north_level", headers=headers
    ) as resp:
        body = await resp.json()
    assert body["state"] == "2.4" and body["attributes"]["unit_of_measurement"] == "m"


async def test_unknown_and_invalid_entities(
    server: HttpServer, client: aiohttp.ClientSession
) -> None:
    async with client.get(f"{server.url}/api/states/light.nowhere", headers=AUTH) as resp:
        assert resp.status == 404
        assert "no entity light.nowhere" in (await resp.json())["error"]
    async with client.get(f"{server.url}/api/states/Light.Bad", headers=AUTH) as resp:
        assert resp.status == 400


async def test_service_call_runs_and_reports_changed_states(
    server: HttpServer, client: aiohttp.ClientSession, hub: Hub
) -> None:
    got: list[ServiceCall] = []

    def handler(call: ServiceCall) -> dict[str, Any]:
        got.append(call)
        hub.states.set("switch.pump_north_1", "on", context=call.context)
        return {"started": True}

    hub.services.register("water", "start_pump", handler)
    url = f"{server.url}/api/services/water/start_pump"
    async with client.post(
        url, headers=AUTH, json={"target": {"entity_id": "switch.pump_north_1"}, "reason": "test"}
    ) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert got[0].entity_ids == ("switch.pump_north_1",)
    assert got[0].data == {"reason": "test"}
    assert got[0].context.origin == "api"
    assert body["response"] == {"started": True}
    assert [s["entity_id"] for s in body["changed_states"]] == ["switch.pump_north_1"]


async def test_service_errors_are_clear(server: HttpServer, client: aiohttp.ClientSession) -> None:
    async with client.post(
        f"{server.url}/api/services/light/turn_onn", headers=AUTH, json={}
    ) as resp:
        assert resp.status == 404
        assert "did you mean light.turn_on" in (await resp.json())["error"]
    async with client.post(
        f"{server.url}/api/services/light/turn_on",
        headers=AUTH,
        json={"brightness_pct": 150, "entity_id": "light.x"},
    ) as resp:
        assert resp.status == 400
        assert "brightness_pct" in (await resp.json())["error"]
    async with client.post(
        f"{server.url}/api/services/light/turn_on", headers=AUTH, data=b"{not json"
    ) as resp:
        assert resp.status == 400
        assert "not valid JSON" in (await resp.json())["error"]
    async with client.post(
        f"{server.url}/api/services/light/turn_on", headers=AUTH, json=[1, 2]
    ) as resp:
        assert resp.status == 400
        assert "JSON object" in (await resp.json())["error"]


async def test_body_over_the_limit_gets_413(
    server: HttpServer, client: aiohttp.ClientSession
) -> None:
    big = {"data": "x" * 5000}
    async with client.post(
        f"{server.url}/api/services/light/turn_on", headers=AUTH, json=big
    ) as resp:
        assert resp.status == 413
        assert "too large" in (await resp.json())["error"]


async def test_webhooks_are_public_and_routed(
    server: HttpServer, client: aiohttp.ClientSession
) -> None:
    seen: list[tuple[str, Any]] = []

    async def handler(
        webhook_id: str,
        payload: Any,
        headers: Mapping[str, str],
        *,
        method: str = "POST",
        query: Mapping[str, str] | None = None,
        data: Mapping[str, Any] | None = None,
        remote: str | None = None,
    ) -> bool:
        if webhook_id != "flood_gauge":
            return False
        seen.append((webhook_id, payload))
        assert query == {"site": "north"}
        assert remote == "127.0.0.1"
        return True

    server.add_webhook_handler(handler)
    async with client.post(
        f"{server.url}/api/webhook/flood_gauge?site=north", json={"level": 3}
    ) as resp:
        assert resp.status == 200
    async with client.post(f"{server.url}/api/webhook/unknown", json={}) as resp:
        assert resp.status == 404
    assert seen == [("flood_gauge", {"level": 3})]


async def test_port_in_use_is_a_clear_error(server: HttpServer, hub: Hub) -> None:
    clash = HttpServer(hub, host="127.0.0.1", port=server.port, tokens=[TOKEN])
    with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{server.port}"):
        await clash.start()


async def test_components_can_add_public_and_private_routes(hub: Hub) -> None:
    server = HttpServer(hub, host="127.0.0.1", port=0, tokens=[TOKEN])

    async def hello(request: web.Request) -> web.Response:
        return web.json_response({"hello": request.match_info["who"]})

    server.add_route("GET", "/ack/{who}", hello, public=True)
    server.add_route("GET", "/api/private/{who}", hello)
    await server.start()
    try:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{server.url}/ack/maria") as resp:
                assert resp.status == 200 and (await resp.json()) == {"hello": "maria"}
            async with session.get(f"{server.url}/api/private/maria") as resp:
                assert resp.status == 401
        with pytest.raises(RuntimeError, match="before the HTTP server starts"):
            server.add_route("GET", "/late", hello)
    finally:
        await server.stop()
