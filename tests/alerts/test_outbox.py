"""The durable outbox: saved before sending, retried with backoff on the hub's clock under one
idempotency key, failures that cannot be retried reported, and a resend after a crash."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from kozani_hub.alerts.notifiers import DeliveryError, Message
from kozani_hub.alerts.outbox import backoff
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.core.events import Event

from .conftest import StartEngine, alerts_config, crash, sos

SEC = timedelta(seconds=1)


def test_backoff_doubles_up_to_the_longest_wait() -> None:
    waits = [backoff(n, 10 * SEC, 2.0, 300 * SEC).total_seconds() for n in range(1, 8)]
    assert waits == [10, 20, 40, 80, 160, 300, 300]


async def test_a_refused_delivery_is_tried_again_with_backoff_under_the_same_key(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    config = alerts_config(sos(), retry={"first": "00:00:10", "longest": "00:00:30"})
    hub, engine, notifiers = await start_engine(config, clock,
                                                states={"binary_sensor.r01_sos": "off"})
    app = notifiers["app"]
    tries: list[float] = []

    async def note_time(message: Message) -> None:
        tries.append((hub.clock.now() - start).total_seconds())

    app.before_send = note_time
    app.failures = [DeliveryError("receiver down", retryable=True)] * 4
    start = hub.clock.now()
    hub.states.set("binary_sensor.r01_sos", "on")
    for _ in range(6):
        await settle()
        await engine.idle()
        await clock.advance(10)
    await clock.advance(60)
    await engine.idle()
    assert tries == [0, 10, 30, 60, 90]
    assert len({m.key for m in app.tried}) == 1
    assert app.people() == ["maria"]
    assert engine.outbox.entries == {}


async def test_a_final_refusal_is_reported_on_the_alert_and_as_an_event(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, engine, notifiers = await start_engine(alerts_config(sos()), clock,
                                                states={"binary_sensor.r01_sos": "off"})
    failed: list[Event] = []
    hub.bus.listen("alert_delivery_failed", failed.append)
    notifiers["app"].failures = [DeliveryError("550 no such mailbox", retryable=False)]
    hub.states.set("binary_sensor.r01_sos", "on")
    await settle()
    await engine.idle()
    await clock.advance(60)
    assert [e.data["error"] for e in failed] == ["550 no such mailbox"]
    state = hub.states.get("alert.r01_sos")
    assert state is not None
    assert state.attributes["delivery_problem"] == "maria on app: 550 no such mailbox"
    assert len(notifiers["app"].tried) == 1
    # The escalation goes on regardless: the nurse is told after five minutes.
    await clock.advance(5 * 60)
    await engine.idle()
    assert notifiers["app"].people() == ["eleni"]
    assert notifiers["mail"].people() == ["eleni"]


def _saved(db: Path, key: str) -> tuple[bool, list[str]]:
    with sqlite3.connect(db) as conn:
        pending = conn.execute("SELECT 1 FROM pending WHERE kind = 'alert_outbox' AND key = ?",
                               (key,)).fetchone() is not None
        kinds = [r[0] for r in conn.execute(
            "SELECT kind FROM alert_log WHERE key = ? OR kind = 'transition' ORDER BY log_id",
            (key,))]
    return pending, kinds


async def test_everything_is_on_disk_before_a_notification_is_sent(
    start_engine: StartEngine, clock: SimulatedClock, tmp_path: Path
) -> None:
    hub, engine, notifiers = await start_engine(alerts_config(sos()), clock, recorder=True,
                                                states={"binary_sensor.r01_sos": "off"})
    seen: list[tuple[bool, list[str]]] = []

    async def look(message: Message) -> None:
        seen.append(_saved(tmp_path / "alerts.db", message.key))

    notifiers["app"].before_send = look
    hub.states.set("binary_sensor.r01_sos", "on")
    await settle()
    await engine.idle()
    assert seen == [(True, ["transition", "queued", "attempt"])]
    with sqlite3.connect(tmp_path / "alerts.db") as conn:
        saved = conn.execute("SELECT key FROM pending WHERE kind = 'alert'").fetchall()
    assert saved == [("r01_sos",)]


async def test_after_a_crash_waiting_notifications_go_out_with_their_keys_and_the_escalation_keeps_time(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    config = alerts_config(sos())
    hub, engine, notifiers = await start_engine(config, clock, recorder=True,
                                                states={"binary_sensor.r01_sos": "off"})
    notifiers["app"].failures = [DeliveryError("receiver down", retryable=True)] * 100
    hub.states.set("binary_sensor.r01_sos", "on")
    await settle()
    await engine.idle()
    first_key = notifiers["app"].tried[0].key
    raised = hub.clock.now()
    await clock.advance(120)
    await engine.idle()
    await crash(hub)

    # Back two minutes later, the receiver up again.
    later = SimulatedClock(hub.clock.now() + timedelta(minutes=2))
    hub2, engine2, notifiers2 = await start_engine(config, later, recorder=True,
                                                   states={"binary_sensor.r01_sos": "on"})
    await engine2.idle()
    assert notifiers2["app"].keys() == [first_key]
    state = hub2.states.get("alert.r01_sos")
    assert state is not None and state.state == "active"
    assert state.attributes["next_escalation"] == "2026-01-15T12:05:00+02:00"
    await later.advance_to(raised + timedelta(minutes=5) - SEC)
    await engine2.idle()
    assert notifiers2["app"].people() == ["maria"]
    await later.advance(1)
    await engine2.idle()
    assert notifiers2["app"].people() == ["maria", "eleni"]


async def test_notifications_for_an_alert_no_longer_defined_are_still_delivered(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, engine, notifiers = await start_engine(alerts_config(sos()), clock, recorder=True,
                                                states={"binary_sensor.r01_sos": "off"})
    notifiers["app"].failures = [DeliveryError("down", retryable=True)]
    hub.states.set("binary_sensor.r01_sos", "on")
    await settle()
    await engine.idle()
    await crash(hub)
    later = SimulatedClock(hub.clock.now())
    _, engine2, notifiers2 = await start_engine(alerts_config(), later, recorder=True)
    await later.advance(10)
    await engine2.idle()
    assert notifiers2["app"].people() == ["maria"]
    assert any("r01_sos is no longer defined" in p for p in engine2.problems)
