"""The webhook notifier against a real aiohttp receiver on 127.0.0.1 that checks signatures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from pydantic import ValidationError

from kozani_hub.alerts.notifiers import NOTIFIER_TYPES, DeliveryError, Message
from kozani_hub.alerts.notifiers.webhook import WebhookConfig, WebhookNotifier
from kozani_hub.hub import Hub

from .servers import Receiver, free_port

SECRET = "kozani-webhook-secret-0123456789"

MESSAGE = Message(
    key="resident_r12_sos:1:step0:maria:caregivers_app",
    alert_id="resident_r12_sos",
    recipient="maria",
    channel="caregivers_app",
    address="maria-phone",
    title="SOS pressed in flat R12",
    body="Eleni Georgiou (R12, Dimokratias 14) pressed the SOS button at 03:12.",
    severity="critical",
    category="care",
    ack_url="http://127.0.0.1:8123/ack/abc",
    data={"entity_id": "binary_sensor.resident_r12_sos", "state": "on", "step": 1},
)


def notifier(hub: Hub, url: str, secret: str = SECRET, **extra: Any) -> WebhookNotifier:
    model, factory = NOTIFIER_TYPES["webhook"]
    config = model.model_validate({"type": "webhook", "url": url, "secret": secret, **extra})
    made = factory("caregivers_app", config, hub)
    assert isinstance(made, WebhookNotifier)
    return made


@pytest.fixture
async def receiver(hub: Hub) -> AsyncIterator[Receiver]:
    receiver = await Receiver(SECRET.encode(), now=lambda: hub.clock.now().timestamp()).start()
    yield receiver
    await receiver.stop()


@pytest.fixture
async def sender(hub: Hub, receiver: Receiver) -> AsyncIterator[WebhookNotifier]:
    sender = notifier(hub, receiver.url)
    yield sender
    await sender.close()


async def test_signed_json_reaches_a_receiver_that_checks_the_signature(
    sender: WebhookNotifier, receiver: Receiver
) -> None:
    await sender.send(MESSAGE)
    assert receiver.refused == []
    [delivery] = receiver.delivered
    assert delivery.key == MESSAGE.key
    assert delivery.body["idempotency_key"] == MESSAGE.key
    assert delivery.body["alert_id"] == "resident_r12_sos"
    assert delivery.body["ack_url"] == "http://127.0.0.1:8123/ack/abc"
    assert delivery.body["data"]["entity_id"] == "binary_sensor.resident_r12_sos"
    assert delivery.headers["X-Kozani-Signature"].startswith("sha256=")


async def test_a_receiver_with_another_secret_refuses_and_that_is_final(
    hub: Hub, receiver: Receiver
) -> None:
    sender = notifier(hub, receiver.url, secret="not-the-receivers-secret-000")
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(MESSAGE)
    finally:
        await sender.close()
    assert not caught.value.retryable
    assert "401" in str(caught.value) and "bad signature" in str(caught.value)
    assert receiver.delivered == []


async def test_a_500_is_retried_with_the_same_key_and_then_delivered(
    sender: WebhookNotifier, receiver: Receiver
) -> None:
    receiver.answers = [500]
    with pytest.raises(DeliveryError) as caught:
        await sender.send(MESSAGE)
    assert caught.value.retryable
    assert "500" in str(caught.value) and "receiver says 500" in str(caught.value)
    await sender.send(MESSAGE)
    assert receiver.attempts == [MESSAGE.key, MESSAGE.key]
    assert [d.key for d in receiver.delivered] == [MESSAGE.key]


async def test_a_400_is_not_retried_and_the_answer_is_kept(
    sender: WebhookNotifier, receiver: Receiver
) -> None:
    receiver.answers = [400]
    with pytest.raises(DeliveryError) as caught:
        await sender.send(MESSAGE)
    assert not caught.value.retryable
    assert receiver.url in str(caught.value) and "receiver says 400" in str(caught.value)


@pytest.mark.parametrize("status", [429, 503])
async def test_busy_receivers_are_retried(
    sender: WebhookNotifier, receiver: Receiver, status: int
) -> None:
    receiver.answers = [status]
    with pytest.raises(DeliveryError) as caught:
        await sender.send(MESSAGE)
    assert caught.value.retryable


async def test_a_receiver_that_is_down_is_retried(hub: Hub) -> None:
    sender = notifier(hub, f"http://127.0.0.1:{free_port()}/hook")
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(MESSAGE)
    finally:
        await sender.close()
    assert caught.value.retryable
    assert "unreachable" in str(caught.value)


async def test_a_receiver_slower_than_the_timeout_is_retried(hub: Hub, receiver: Receiver) -> None:
    receiver.delay = 2.0
    sender = notifier(hub, receiver.url, timeout=0.2)
    try:
        with pytest.raises(DeliveryError) as caught:
            await sender.send(MESSAGE)
    finally:
        await sender.close()
    assert caught.value.retryable
    assert "did not answer within 0.2 s" in str(caught.value)


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({"url": "ftp://x", "secret": SECRET}, "http:// or https://"),
        ({"url": "http://x", "secret": "short"}, "at least 16 characters long, found 5"),
        ({"url": "http://x", "secret": SECRET, "retries": 3}, "retries"),
        ({"url": "http://x"}, "secret"),
    ],
)
def test_configuration_mistakes_are_refused(config: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError, match=expected):
        WebhookConfig.model_validate(config)


def test_the_secret_does_not_show_in_the_configuration() -> None:
    config = WebhookConfig.model_validate({"url": "http://x", "secret": SECRET})
    assert SECRET not in repr(config) and SECRET not in str(config)
