"""End to end in one process: a hub built from a configuration folder, a real SMTP server with
STARTTLS and login, a real webhook receiver that checks signatures. An SOS raises a critical
alert; the email's acknowledgement link, followed with a real HTTP client, acknowledges it."""

from __future__ import annotations

import asyncio
import re
import ssl
from collections.abc import AsyncIterator
from email.message import EmailMessage

import aiohttp
import pytest

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.events import Event
from kozani_hub.hub import Hub
from tests.alerts.notifiers.servers import Mailbox, Receiver, SmtpServer

from .conftest import SMTP_PASSWORD, SMTP_USER, WEBHOOK_SECRET, District

WAIT = 10.0
SOS = "input_boolean.resident_r12_sos"
ALERT = "alert.resident_r12_sos"


@pytest.fixture
async def receiver(district: District) -> AsyncIterator[Receiver]:
    receiver = await Receiver(WEBHOOK_SECRET.encode(), port=district.webhook_port).start()
    yield receiver
    await receiver.stop()


async def start_smtp(district: District, tls: ssl.SSLContext, mailbox: Mailbox) -> SmtpServer:
    server = SmtpServer(
        mailbox=mailbox,
        tls_context=tls,
        users={SMTP_USER: SMTP_PASSWORD},
        port=district.smtp_port,
    )
    return await server.start()


@pytest.fixture
async def client() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def press_sos(hub: Hub) -> None:
    await hub.services.call("input_boolean", "turn_on", {}, target={"entity_id": [SOS]})


def alert_state(hub: Hub) -> str:
    state = hub.states.get(ALERT)
    assert state is not None
    return state.state


def plain_text(mail: EmailMessage) -> str:
    part = mail.get_body(("plain",))
    assert isinstance(part, EmailMessage)
    return str(part.get_content())


async def test_sos_email_link_acknowledges_and_the_webhook_is_signed(
    district: District,
    smtp_tls: ssl.SSLContext,
    receiver: Receiver,
    client: aiohttp.ClientSession,
) -> None:
    smtp = await start_smtp(district, smtp_tls, Mailbox())
    hub = hub_from_config(load_hub_config(district.config))
    try:
        await hub.start()
        assert alert_state(hub) == "normal"
        await press_sos(hub)
        assert alert_state(hub) == "active"
        await asyncio.wait_for(smtp.mailbox.arrived.wait(), WAIT)
        await asyncio.wait_for(receiver.arrived.wait(), WAIT)

        [mail] = smtp.mailbox.received
        assert mail["To"] == "maria@example.org"
        assert mail["Subject"] == "[CRITICAL] SOS: Eleni Georgiou (R12)"
        text = plain_text(mail)
        assert "Eleni Georgiou pressed the SOS button at" in text
        match = re.search(r"(http://127\.0\.0\.1:\d+/ack/[A-Za-z0-9_-]+)", text)
        assert match, text
        link = match.group(1)
        assert link.startswith(district.base_url)

        assert receiver.refused == []  # every request carried a valid signature
        [hook] = receiver.delivered
        assert hook.body["alert_id"] == "resident_r12_sos"
        assert hook.body["severity"] == "critical" and hook.body["recipient"] == "maria"
        assert hook.body["ack_url"] == link  # one link per person, on every channel
        assert hook.key == hook.body["idempotency_key"]
        assert mail["X-Kozani-Idempotency-Key"] != hook.key  # one notification per channel

        async with client.get(link) as resp:
            page = await resp.text()
            assert resp.status == 200
        assert "SOS: Eleni Georgiou (R12)" in page and "Maria Papadopoulou" in page
        await asyncio.sleep(0.1)
        assert alert_state(hub) == "active"  # GET only shows

        async with client.post(link) as resp:
            page = await resp.text()
            assert resp.status == 200
        assert "Thank you, Maria Papadopoulou" in page
        state = hub.states.get(ALERT)
        assert state is not None and state.state == "acknowledged"
        assert state.attributes["acknowledged_by"] == "maria"

        async with client.post(link) as resp:
            assert resp.status == 409
            assert "Already acknowledged by Maria Papadopoulou" in await resp.text()
    finally:
        await hub.stop()
        await smtp.stop()


async def test_a_refusing_smtp_server_is_reported_and_the_webhook_still_goes_out(
    district: District,
    smtp_tls: ssl.SSLContext,
    receiver: Receiver,
) -> None:
    refusal = "550 5.1.1 <maria@example.org>: Recipient address rejected: User unknown"
    smtp = await start_smtp(district, smtp_tls, Mailbox(refuse_rcpt=refusal))
    hub = hub_from_config(load_hub_config(district.config))
    failures: list[Event] = []
    try:
        await hub.start()
        hub.bus.listen("alert_delivery_failed", failures.append)
        await press_sos(hub)
        await asyncio.wait_for(receiver.arrived.wait(), WAIT)
        for _ in range(int(WAIT / 0.05)):
            if failures:
                break
            await asyncio.sleep(0.05)
        [failure] = failures
        assert failure.data["channel"] == "email" and failure.data["recipient"] == "maria"
        assert refusal in failure.data["error"]
        state = hub.states.get(ALERT)
        assert state is not None and state.state == "active"
        assert refusal in state.attributes["delivery_problem"]
        assert [d.body["recipient"] for d in receiver.delivered] == ["maria"]
        assert smtp.mailbox.received == []
    finally:
        await hub.stop()
        await smtp.stop()
