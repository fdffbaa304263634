"""Flood and fatigue control: combined messages, the per-person rate limit, chattering and
stale alerts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from kozani_hub.alerts.entry import OutboxEntry
from kozani_hub.alerts.flood import RateLimiter, batch_key, chattering, combine
from kozani_hub.alerts.notifiers import Message
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.core.events import Event

from .conftest import StartEngine, alerts_config

T0 = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


def entry(key: str, alert_id: str, severity: str, title: str) -> OutboxEntry:
    message = Message(key, alert_id, "kostas", "app", "kostas", title, f"{title}!", severity,
                      "water", f"https://hub/ack/{key}", {})
    return OutboxEntry(message, T0, T0, group="tanks")


def test_a_combined_message_lists_every_alert_the_most_severe_first() -> None:
    members = [entry("a", "tank_1", "low", "Tank 1 low"), entry("b", "tank_2", "high", "Tank 2")]
    key = batch_key(members, "group")
    assert key == batch_key(list(reversed(members)), "group")
    message = combine(members, key, "group")
    assert message.title == "2 alerts: Tank 2"
    assert message.severity == "high"
    assert message.body.index("Tank 2") < message.body.index("Tank 1 low")
    assert "acknowledge: https://hub/ack/a" in message.body
    assert message.data["alerts"] == ["tank_2", "tank_1"]
    assert message.key == key


def test_a_single_entry_goes_as_it_is() -> None:
    only = entry("a", "tank_1", "low", "Tank 1 low")
    assert combine([only], "a", "single") is only.message


def test_the_rate_limit_counts_per_person_and_frees_after_the_period() -> None:
    limiter = RateLimiter(2, 10 * MIN, ["critical"])
    for when in (T0, T0 + MIN):
        assert limiter.allows("kostas", "low", when)
        limiter.count("kostas", when)
    assert not limiter.allows("kostas", "low", T0 + 2 * MIN)
    assert limiter.allows("kostas", "critical", T0 + 2 * MIN)
    assert limiter.allows("maria", "low", T0 + 2 * MIN)
    assert limiter.free_at("kostas", T0 + 2 * MIN) == T0 + 10 * MIN
    assert limiter.allows("kostas", "low", T0 + 10 * MIN)


def test_chattering_is_three_activations_within_the_window() -> None:
    times = (T0, T0 + timedelta(seconds=20), T0 + timedelta(seconds=40))
    assert chattering(times, T0 + timedelta(seconds=40), 3, MIN) == (True, times)
    assert chattering(times, T0 + timedelta(seconds=70), 3, MIN)[0] is False


def level(**extra: Any) -> dict[str, Any]:
    return {"id": "tank_low", "condition": {"type": "threshold", "entity_id": "sensor.level",
                                            "below": 0.5}, "policy": "water", **extra}


async def test_a_chattering_alert_is_flagged_and_announced(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, _, _ = await start_engine(alerts_config(level()), clock, states={"sensor.level": "1"})
    seen: list[Event] = []
    hub.bus.listen("alert_chattering", seen.append)
    for value in ("0.4", "0.6", "0.4", "0.6", "0.4"):
        hub.states.set("sensor.level", value)
        await clock.advance(10)
    state = hub.states.get("alert.tank_low")
    assert state is not None and state.attributes["chattering"] is True
    assert [e.data["alert_id"] for e in seen] == ["tank_low"]


async def test_an_alert_active_for_a_day_is_stale(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, _, _ = await start_engine(alerts_config(level()), clock, states={"sensor.level": "0.3"})
    seen: list[Event] = []
    hub.bus.listen("alert_stale", seen.append)
    await clock.advance(24 * 3600 - 1)
    assert seen == []
    await clock.advance(1)
    await settle()
    state = hub.states.get("alert.tank_low")
    assert state is not None and state.attributes["stale"] is True
    assert len(seen) == 1
