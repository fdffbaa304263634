"""The crash test: a real `kozani-hub run` process is killed with SIGKILL while the webhook
receiver is down and an escalation step is pending, and again while the receiver holds a
notification it has taken; after the restarts every notification arrives, a duplicate carries
the same idempotency key, and the escalation step fires on its original schedule."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest

from tests.alerts.notifiers.servers import Delivery, Receiver, free_port

from .conftest import API_TOKEN, WEBHOOK_SECRET, District, write_config
from .harness import HubProcess, wait_until

pytestmark = pytest.mark.slow

WAIT = 5.0
"""Seconds between the first escalation step (maria) and the second (nikos)."""
ALERT = "alert.resident_r12_sos"


@pytest.fixture
def district(tmp_path: Path) -> District:
    return write_config(
        tmp_path / "config",
        http_port=free_port(),
        webhook_port=free_port(),
        smtp_port=None,
        wait=f"00:00:{WAIT:02.0f}",
        retry_first="0.3",
    )


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def receiver(district: District) -> AsyncIterator[Receiver]:
    receiver = Receiver(WEBHOOK_SECRET.encode(), port=district.webhook_port)
    yield receiver
    await receiver.stop()


@pytest.fixture
def hub(district: District, tmp_path: Path) -> Iterator[HubProcess]:
    process = HubProcess(district.config, district.http_port, API_TOKEN, tmp_path / "hub.log")
    yield process
    process.kill()


def of(deliveries: list[Delivery], person: str) -> list[Delivery]:
    return [d for d in deliveries if d.body["recipient"] == person]


async def test_sigkill_loses_no_notification_and_keeps_the_escalation_schedule(
    district: District,
    hub: HubProcess,
    receiver: Receiver,
    client: aiohttp.ClientSession,
) -> None:
    # The receiver is down: the SOS is raised, maria's notification fails and waits to retry.
    hub.start()
    await hub.wait_ready(client)
    before = time.time()
    await hub.call(client, "input_boolean.turn_on", {"entity_id": "input_boolean.resident_r12_sos"})
    after = time.time()
    state = await hub.state(client, ALERT)
    assert state["state"] == "active"
    next_step = datetime.fromisoformat(state["attributes"]["next_escalation"]).timestamp()
    assert before + WAIT - 1 <= next_step <= after + WAIT
    await wait_until(lambda: "trying again at" in hub.text(), 10, "a failed send", hub.text())
    assert time.time() < next_step, "the escalation step must still be pending at the kill"
    hub.kill()

    # Restart; the receiver comes up and takes maria's notification, but the hub dies before
    # it hears the answer.
    hub.start()
    await hub.wait_ready(client)
    receiver.hold = True
    await receiver.start()
    await wait_until(
        lambda: of(receiver.delivered, "maria") != [], 10, "maria's notification", hub.text()
    )
    hub.kill()
    receiver.release()

    # Restart again: the notification is sent again, and nikos is told on schedule.
    hub.start()
    await hub.wait_ready(client)
    await wait_until(
        lambda: len(of(receiver.delivered, "maria")) >= 2,
        10,
        "maria's notification sent again",
        hub.text(),
    )
    await wait_until(
        lambda: of(receiver.delivered, "nikos") != [],
        WAIT + 10,
        "nikos's escalation step",
        hub.text(),
    )

    assert receiver.refused == []  # every request was signed
    maria, nikos = of(receiver.delivered, "maria"), of(receiver.delivered, "nikos")
    assert {d.key for d in maria} == {maria[0].key}, "a resend carries the same key"
    assert all(d.body == maria[0].body for d in maria)
    assert {d.body["data"]["escalation_step"] for d in maria} == {"s1.1"}
    assert {d.body["data"]["escalation_step"] for d in nikos} == {"s1.2"}
    assert len({d.key for d in nikos}) == 1

    # Step two was due WAIT seconds after the raise: never early, and not restarted from
    # scratch by the restarts (if the downtime had outlasted it, it would run at restart).
    told = nikos[0].at
    assert told >= before + WAIT - 0.05
    assert told <= max(after + WAIT, hub.ready_at) + 1.5

    # The caregiver's link still works after two kills.
    async with client.post(maria[0].body["ack_url"]) as resp:
        assert resp.status == 200, await resp.text()
    assert (await hub.state(client, ALERT))["state"] == "acknowledged"
    assert hub.stop() == 0

    # Nothing is left waiting, and the database shows each notification delivered.
    with sqlite3.connect(district.config / "hub.db") as conn:
        waiting = conn.execute("SELECT key FROM pending WHERE kind = 'alert_outbox'").fetchall()
        delivered = {
            row[0] for row in conn.execute("SELECT key FROM alert_log WHERE kind = 'delivered'")
        }
    assert waiting == []
    assert delivered == {maria[0].key, nikos[0].key}
    assert "Traceback" not in hub.text()
