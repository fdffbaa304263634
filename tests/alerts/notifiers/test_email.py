"""The email notifier against a real aiosmtpd server on 127.0.0.1: plain, STARTTLS with login,
implicit TLS, refusals and a server that is down."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import trustme
from pydantic import ValidationError

from kozani_hub.alerts.notifiers import NOTIFIER_TYPES, DeliveryError, Message
from kozani_hub.alerts.notifiers.email import EmailConfig, EmailNotifier
from kozani_hub.hub import Hub

from .servers import Mailbox, SmtpServer, free_port

MESSAGE = Message(
    key="tank_north_low:3:step1:nikos:email",
    alert_id="tank_north_low",
    recipient="nikos",
    channel="email",
    address="nikos@example.org",
    title="North tank below 0.5 m",
    body="The north tank is at 0.42 m and falling.\nPump 2 is off.",
    severity="high",
    category="water",
    ack_url="http://127.0.0.1:8123/ack/tok-123",
    data={"entity_id": "sensor.tank_north_level", "state": 0.42},
)


def notifier(hub: Hub, port: int, **extra: Any) -> EmailNotifier:
    model, factory = NOTIFIER_TYPES["email"]
    config = model.model_validate(
        {"type": "email", "host": "127.0.0.1", "port": port, "sender": "hub@kozani.gr", **extra}
    )
    made = factory("email", config, hub)
    assert isinstance(made, EmailNotifier)
    return made


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def server_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
async def plain_server() -> AsyncIterator[SmtpServer]:
    server = await SmtpServer().start()
    yield server
    await server.stop()


@pytest.fixture
async def starttls_server(server_tls: ssl.SSLContext) -> AsyncIterator[SmtpServer]:
    server = await SmtpServer(tls_context=server_tls, users={"hub": "s3cret-pass"}).start()
    yield server
    await server.stop()


def parts(mail: EmailMessage) -> tuple[str, str]:
    plain = mail.get_body(("plain",))
    html = mail.get_body(("html",))
    assert isinstance(plain, EmailMessage) and isinstance(html, EmailMessage)
    return plain.get_content(), html.get_content()


async def test_plain_smtp_delivers_text_and_html_with_the_ack_link(
    hub: Hub, plain_server: SmtpServer
) -> None:
    await notifier(hub, plain_server.port).send(MESSAGE)
    [mail] = plain_server.mailbox.received
    assert plain_server.mailbox.envelopes[0].rcpt_tos == ["nikos@example.org"]
    assert mail["To"] == "nikos@example.org"
    assert mail["From"] == "Kozani Hub <hub@kozani.gr>"
    assert mail["Subject"] == "[HIGH] North tank below 0.5 m"
    assert mail["X-Kozani-Idempotency-Key"] == MESSAGE.key
    plain, html = parts(mail)
    assert "The north tank is at 0.42 m and falling." in plain
    assert "http://127.0.0.1:8123/ack/tok-123" in plain
    assert 'href="http://127.0.0.1:8123/ack/tok-123"' in html and ">Acknowledge</a>" in html
    assert "sensor.tank_north_level" in plain


async def test_a_retried_email_carries_the_same_message_id(
    hub: Hub, plain_server: SmtpServer
) -> None:
    sender = notifier(hub, plain_server.port)
    await sender.send(MESSAGE)
    await sender.send(MESSAGE)
    other = Message(**{**_fields(MESSAGE), "key": "tank_north_low:3:step2:nikos:email"})
    await sender.send(other)
    ids = [m["Message-ID"] for m in plain_server.mailbox.received]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0].endswith("@kozani.gr>")


def _fields(message: Message) -> dict[str, Any]:
    return {name: getattr(message, name) for name in Message.__slots__}


async def test_login_over_starttls(hub: Hub, starttls_server: SmtpServer, ca_file: str) -> None:
    sender = notifier(
        hub,
        starttls_server.port,
        starttls=True,
        username="hub",
        password="s3cret-pass",
        ca_file=ca_file,
    )
    await sender.send(MESSAGE)
    assert [m["Subject"] for m in starttls_server.mailbox.received] == [
        "[HIGH] North tank below 0.5 m"
    ]


async def test_a_wrong_password_is_refused_for_good_with_the_servers_words(
    hub: Hub, starttls_server: SmtpServer, ca_file: str
) -> None:
    sender = notifier(
        hub, starttls_server.port, starttls=True, username="hub", password="guess", ca_file=ca_file
    )
    with pytest.raises(DeliveryError) as caught:
        await sender.send(MESSAGE)
    assert not caught.value.retryable
    assert "refused the login: 535" in str(caught.value)
    assert starttls_server.mailbox.received == []


async def test_a_certificate_nobody_vouches_for_is_refused(
    hub: Hub, starttls_server: SmtpServer
) -> None:
    sender = notifier(hub, starttls_server.port, starttls=True, username="hub", password="x")
    with pytest.raises(DeliveryError) as caught:
        await sender.send(MESSAGE)
    assert "certificate" in str(caught.value).lower()
    assert starttls_server.mailbox.received == []


async def test_implicit_tls(hub: Hub, server_tls: ssl.SSLContext, ca_file: str) -> None:
    server = await SmtpServer(tls_context=server_tls, implicit_tls=True).start()
    try:
        await notifier(hub, server.port, tls=True, ca_file=ca_file).send(MESSAGE)
    finally:
        await server.stop()
    assert len(server.mailbox.received) == 1


@pytest.mark.parametrize(
    ("answer", "retryable"),
    [
        ("550 5.1.1 <nikos@example.org>: Recipient address rejected: User unknown", False),
        ("452 4.2.2 Mailbox full, try again later", True),
    ],
)
async def test_a_refused_recipient_keeps_the_refusal_text(
    hub: Hub, answer: str, retryable: bool
) -> None:
    server = await SmtpServer(mailbox=Mailbox(refuse_rcpt=answer)).start()
    try:
        with pytest.raises(DeliveryError) as caught:
            await notifier(hub, server.port).send(MESSAGE)
    finally:
        await server.stop()
    assert caught.value.retryable is retryable
    assert "refused recipient nikos@example.org" in str(caught.value)
    assert answer in str(caught.value)


async def test_a_server_that_is_down_is_retried(hub: Hub) -> None:
    port = free_port()
    with pytest.raises(DeliveryError) as caught:
        await notifier(hub, port, timeout=5).send(MESSAGE)
    assert caught.value.retryable
    assert f"SMTP server 127.0.0.1:{port} unreachable" in str(caught.value)


async def test_an_address_that_is_not_an_email_is_not_retried(hub: Hub) -> None:
    bad = Message(**{**_fields(MESSAGE), "address": "+30 2461 000000"})
    with pytest.raises(DeliveryError) as caught:
        await notifier(hub, free_port()).send(bad)
    assert not caught.value.retryable
    assert "nikos's address on email is not an email address" in str(caught.value)


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        ({"starttls": True, "tls": True}, "not both"),
        ({"username": "hub"}, "give both or neither"),
        ({"sender": "the hub"}, "expected an email address"),
        ({"ssl": True}, "ssl"),
    ],
)
def test_configuration_mistakes_are_refused(extra: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        EmailConfig.model_validate({"host": "mail", "sender": "hub@kozani.gr", **extra})


@pytest.mark.parametrize(
    ("extra", "port"), [({}, 25), ({"starttls": True}, 587), ({"tls": True}, 465)]
)
def test_the_port_follows_the_security_mode(extra: dict[str, Any], port: int) -> None:
    config = EmailConfig.model_validate({"host": "mail", "sender": "hub@kozani.gr", **extra})
    assert config.effective_port == port


def test_a_missing_ca_file_is_reported_when_the_notifier_is_made(hub: Hub, tmp_path: Path) -> None:
    hub.config_dir = tmp_path
    with pytest.raises(ValueError, match=f"ca_file {tmp_path}/mail-ca.pem does not exist"):
        notifier(hub, 587, starttls=True, ca_file="mail-ca.pem")
