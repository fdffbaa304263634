"""Time, time_pattern and sun triggers, on simulated time in the hub's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta

from kozani_hub.automation.sun import SunEvent, sun_event_on
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls

RECORD = """
  actions:
    - action: test.record
      data: {at: "{{ now().strftime('%a %H:%M:%S') }}", platform: "{{ trigger.platform }}"}
"""


def local(text: str) -> datetime:
    return datetime.fromisoformat(text)


def fired(calls: Calls) -> list[str]:
    return [str(c.data["at"]) for c in calls]


async def test_time_of_day_fires_daily(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: dim
  triggers:
    - trigger: time
      at: "23:30"
""" + RECORD)
    await clock.advance_to(local("2026-01-17T12:00:00+02:00"))
    assert fired(calls) == ["Thu 23:30:00", "Fri 23:30:00"]
    assert calls[0].data["platform"] == "time"


async def test_several_times_and_weekdays(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: school_heating
  triggers:
    - trigger: time
      at: ["06:15:00", "12:30"]
      weekday: [mon, fri]
""" + RECORD)
    await clock.advance_to(local("2026-01-20T00:00:00+02:00"))  # Thu 15 → Tue 20
    assert fired(calls) == ["Fri 06:15:00", "Fri 12:30:00", "Mon 06:15:00", "Mon 12:30:00"]


async def test_time_held_by_an_entity_follows_the_entity(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("input_datetime.wake_up", "13:00:00", {"has_date": False, "has_time": True})
    await start("""
- id: wake
  triggers:
    - trigger: time
      at: input_datetime.wake_up
""" + RECORD)
    await clock.advance_to(local("2026-01-15T12:30:00+02:00"))
    hub.states.set("input_datetime.wake_up", "12:45:00", {"has_date": False, "has_time": True})
    await clock.advance_to(local("2026-01-16T12:50:00+02:00"))
    assert fired(calls) == ["Thu 12:45:00", "Fri 12:45:00"]


async def test_timestamp_sensor_with_an_offset(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("sensor.next_delivery", "2026-01-15T15:00:00+02:00",
                   {"device_class": "timestamp"})
    await start("""
- id: before_delivery
  triggers:
    - trigger: time
      at:
        entity_id: sensor.next_delivery
        offset: "-00:10:00"
""" + RECORD)
    await clock.advance_to(local("2026-01-16T12:00:00+02:00"))
    assert fired(calls) == ["Thu 14:50:00"]


async def test_time_pattern_every_fifteen_minutes(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: poll
  triggers:
    - trigger: time_pattern
      minutes: "/15"
""" + RECORD)
    await clock.advance(3600)
    assert fired(calls) == ["Thu 12:15:00", "Thu 12:30:00", "Thu 12:45:00", "Thu 13:00:00"]


async def test_time_pattern_hours_alone_means_on_the_hour(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: three
  triggers:
    - trigger: time_pattern
      hours: 3
""" + RECORD)
    await clock.advance(24 * 3600)
    assert fired(calls) == ["Fri 03:00:00"]


async def test_sunset_with_an_offset_at_the_hubs_location(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    await start("""
- id: street_lights
  triggers:
    - trigger: sun
      event: sunset
      offset: "-00:30:00"
  actions:
    - action: test.record
      data: {at: "{{ now().isoformat() }}", event: "{{ trigger.event }}"}
""")
    await clock.advance(2 * 86400)
    days = [local("2026-01-15T00:00:00+02:00").date() + timedelta(days=n) for n in (0, 1)]
    expected = []
    for day in days:
        sunset = sun_event_on(hub.location, hub.tz, SunEvent.SUNSET, day)
        assert sunset is not None
        expected.append((sunset - timedelta(minutes=30)).astimezone(hub.tz))
    got = [datetime.fromisoformat(str(c.data["at"])) for c in calls]
    assert got == expected
    assert calls[0].data["event"] == "sunset"
    assert all(16 <= t.hour < 18 for t in got)  # Kozani in January: about 17:20
