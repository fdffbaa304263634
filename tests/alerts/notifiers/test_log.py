"""The log notifier: one line per notification, with what a reader of the log needs."""

from __future__ import annotations

import logging

import pytest

from kozani_hub.alerts.notifiers import NOTIFIER_TYPES, Message
from kozani_hub.hub import Hub

MESSAGE = Message(
    key="school_heating_fail:1:step0:manager:log",
    alert_id="school_heating_fail",
    recipient="manager",
    channel="log",
    address="",
    title="1st Primary School: heating off at 4 °C",
    body="Boiler 1 reports a fault.",
    severity="high",
    category="energy",
    ack_url="http://127.0.0.1:8123/ack/xyz",
)


async def test_one_line_per_notification(hub: Hub, caplog: pytest.LogCaptureFixture) -> None:
    model, factory = NOTIFIER_TYPES["log"]
    sender = factory("log", model.model_validate({"type": "log"}), hub)
    with caplog.at_level(logging.INFO, logger="kozani_hub.alerts.notifications"):
        await sender.send(MESSAGE)
        await sender.send(MESSAGE)
    await sender.close()
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert "school_heating_fail" in lines[0] and "manager" in lines[0]
    assert "1st Primary School: heating off at 4 °C" in lines[0]
    assert "http://127.0.0.1:8123/ack/xyz" in lines[0] and MESSAGE.key in lines[0]
    assert caplog.records[0].levelno == logging.WARNING
