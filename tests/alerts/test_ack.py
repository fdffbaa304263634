"""Acknowledgement links through the hub's HTTP server with a real HTTP client: GET only shows,
POST acknowledges once, expired and foreign tokens are refused, and tokens survive a restart."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp
import pytest

from kozani_hub.alerts.ack import AckTokens
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.http import HttpServer
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder, RecorderConfig

START = datetime.fromisoformat("2026-01-15T03:12:00+02:00")
LIFETIME = timedelta(hours=2)
SECRET = b"ack-secret-for-tests-0123456789"


@dataclass
class Alerts:
    """Stands in for the alert engine: which alerts are acknowledged, by whom."""

    acknowledged: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)
    fail: bool = False

    async def on_ack(self, alert_id: str, person: str) -> str:
        self.calls.append((alert_id, person))
        await asyncio.sleep(0)
        if self.fail:
            raise RuntimeError("database is locked")
        self.acknowledged[alert_id] = person
        return f"{alert_id} acknowledged by {person}; escalation stopped."


@dataclass
class Site:
    hub: Hub
    clock: SimulatedClock
    tokens: AckTokens
    server: HttpServer
    alerts: Alerts
    recorder: Recorder


Open = Callable[..., Awaitable[Site]]


@pytest.fixture
async def open_site(tmp_path: Path) -> AsyncIterator[Open]:
    """Start a hub with a recorder and an HTTP server serving acknowledgement links."""
    running: list[Site] = []

    async def start(clock: SimulatedClock | None = None, alerts: Alerts | None = None) -> Site:
        clock = clock or SimulatedClock(START)
        hub = Hub(clock=clock, config_dir=tmp_path)
        recorder = Recorder(hub, RecorderConfig(db_path="hub.db"))
        hub.add_component(recorder)
        await hub.start()
        tokens = AckTokens(hub, recorder.store, SECRET, LIFETIME)
        server = HttpServer(hub, host="127.0.0.1", port=0, tokens=["api-token-0123456789"])
        alerts = alerts or Alerts()
        tokens.install(server, alerts.on_ack)
        await server.start()
        site = Site(hub, clock, tokens, server, alerts, recorder)
        running.append(site)
        return site

    yield start
    for site in running:
        await site.server.stop()
        await site.hub.stop()


@pytest.fixture
async def site(open_site: Open) -> Site:
    return await open_site()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def fetch(client: aiohttp.ClientSession, method: str, url: str) -> tuple[int, str]:
    async with client.request(method, url, allow_redirects=False) as resp:
        return resp.status, await resp.text()


def issue(site: Site, alert_id: str = "resident_r12_sos", person: str = "maria") -> str:
    token = site.tokens.issue(
        alert_id, person, title="SOS in flat R12", person_name="Maria Papadopoulou"
    )
    return site.tokens.url(token)


async def test_the_link_opens_a_confirmation_page_that_does_not_acknowledge(
    site: Site, client: aiohttp.ClientSession
) -> None:
    url = issue(site)
    assert url.startswith(f"{site.server.url}/ack/")
    status, page = await fetch(client, "GET", url)
    assert status == 200
    assert "SOS in flat R12" in page and "Maria Papadopoulou" in page
    assert '<form method="post">' in page and "acknowledge</button>" in page
    assert 'name="viewport"' in page
    status, _ = await fetch(client, "GET", url)
    assert status == 200
    assert site.alerts.calls == []


async def test_post_acknowledges_once_and_a_second_use_says_by_whom_and_when(
    site: Site, client: aiohttp.ClientSession
) -> None:
    url = issue(site)
    await site.clock.advance(120)
    status, page = await fetch(client, "POST", url)
    assert status == 200
    assert "resident_r12_sos acknowledged by maria; escalation stopped." in page
    assert site.alerts.acknowledged == {"resident_r12_sos": "maria"}
    await site.clock.advance(60)
    for method in ("POST", "GET"):
        status, page = await fetch(client, method, url)
        assert status == 409
        assert "Already acknowledged by Maria Papadopoulou at 03:14." in page
    assert site.alerts.calls == [("resident_r12_sos", "maria")]


async def test_a_double_tap_acknowledges_once(site: Site, client: aiohttp.ClientSession) -> None:
    url = issue(site)
    results = await asyncio.gather(fetch(client, "POST", url), fetch(client, "POST", url))
    assert sorted(status for status, _ in results) == [200, 409]
    assert len(site.alerts.calls) == 1


async def test_an_expired_link_says_so_and_does_not_acknowledge(
    site: Site, client: aiohttp.ClientSession
) -> None:
    url = issue(site)
    await site.clock.advance(LIFETIME.total_seconds())
    for method in ("GET", "POST"):
        status, page = await fetch(client, method, url)
        assert status == 410
        assert "expired at 05:12" in page
    assert site.alerts.calls == []


async def test_a_token_acknowledges_its_own_alert_only(
    site: Site, client: aiohttp.ClientSession
) -> None:
    sos = issue(site, "resident_r12_sos", "maria")
    tank = site.tokens.url(site.tokens.issue("tank_north_low", "nikos", title="North tank low"))
    status, page = await fetch(client, "POST", sos)
    assert status == 200
    assert "tank" not in page.lower()
    assert site.alerts.acknowledged == {"resident_r12_sos": "maria"}
    status, page = await fetch(client, "GET", tank)
    assert status == 200 and "North tank low" in page and "R12" not in page
    await fetch(client, "POST", tank)
    assert site.alerts.calls == [("resident_r12_sos", "maria"), ("tank_north_low", "nikos")]


async def test_unknown_tampered_and_malformed_tokens_get_the_same_page(
    site: Site, client: aiohttp.ClientSession
) -> None:
    url = issue(site)
    token = url.rsplit("/", 1)[1]
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    pages = []
    for bad in (tampered, "x" * 32, "short", "..%2F..%2Fetc"):
        status, page = await fetch(client, "POST", f"{site.server.url}/ack/{bad}")
        assert status == 404
        pages.append(page)
    assert len(set(pages)) == 1
    assert "not valid" in pages[0] and "resident_r12_sos" not in pages[0]
    assert site.alerts.calls == []


async def test_a_failed_acknowledgement_leaves_the_link_usable(
    site: Site, client: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    url = issue(site)
    site.alerts.fail = True
    status, page = await fetch(client, "POST", url)
    assert status == 503 and "could not record your acknowledgement" in page
    assert "database is locked" in caplog.text
    site.alerts.fail = False
    status, _ = await fetch(client, "POST", url)
    assert status == 200
    assert site.alerts.acknowledged == {"resident_r12_sos": "maria"}


async def test_links_survive_a_restart_and_stay_used(
    open_site: Open, client: aiohttp.ClientSession
) -> None:
    first = await open_site()
    fresh, used = issue(first), issue(first, "tank_north_low", "nikos")
    assert (await fetch(client, "POST", used))[0] == 200
    await first.server.stop()
    await first.hub.stop()
    second = await open_site(SimulatedClock(START + timedelta(minutes=30)))
    fresh = fresh.replace(first.server.url, second.server.url)
    used = used.replace(first.server.url, second.server.url)
    status, page = await fetch(client, "POST", used)
    assert status == 409 and "Already acknowledged" in page
    assert (await fetch(client, "POST", fresh))[0] == 200
    assert second.alerts.calls == [("resident_r12_sos", "maria")]


async def test_only_a_keyed_hash_of_the_token_is_stored(site: Site) -> None:
    token = issue(site).rsplit("/", 1)[1]
    await site.recorder.flush()
    with sqlite3.connect(site.recorder.path) as conn:
        rows = conn.execute("SELECT key, payload FROM pending WHERE kind = 'ack_token'").fetchall()
    assert len(rows) == 1
    key, payload = rows[0]
    assert token not in key and token not in payload
    assert "resident_r12_sos" in payload


async def test_pages_are_not_cached_indexed_or_framed(
    site: Site, client: aiohttp.ClientSession
) -> None:
    async with client.get(issue(site)) as resp:
        assert resp.headers["Cache-Control"] == "no-store"
        assert resp.headers["Referrer-Policy"] == "no-referrer"
        assert resp.headers["X-Frame-Options"] == "DENY"
        assert resp.content_type == "text/html"


async def test_links_use_the_configured_address(site: Site) -> None:
    tokens = AckTokens(
        site.hub, site.recorder.store, SECRET, LIFETIME, base_url="https://hub.kozani.gr/"
    )
    assert tokens.url("abc") == "https://hub.kozani.gr/ack/abc"


async def test_links_long_past_expiry_are_forgotten(
    site: Site, client: aiohttp.ClientSession
) -> None:
    old = issue(site)
    await site.clock.advance((LIFETIME + timedelta(days=8)).total_seconds())
    issue(site, "tank_north_low", "nikos")
    status, page = await fetch(client, "GET", old)
    assert status == 404 and "not valid" in page
    await site.recorder.flush()
    with sqlite3.connect(site.recorder.path) as conn:
        (count,) = conn.execute("SELECT COUNT(*) FROM pending WHERE kind = 'ack_token'").fetchone()
    assert count == 1
