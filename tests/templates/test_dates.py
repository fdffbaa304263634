"""Time helpers read the hub's clock and speak the hub's time zone (Europe/Athens)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateError

from .conftest import START, Render


def test_now_is_the_hubs_clock_in_the_hubs_time_zone(render: Render) -> None:
    assert render("{{ now().isoformat() }}") == "2026-01-15T12:00:00+02:00"
    assert render("{{ now().tzinfo }}") == "Europe/Athens"
    assert render("{{ utcnow().isoformat() }}") == "2026-01-15T10:00:00+00:00"


async def test_now_follows_simulated_time(hub: Hub) -> None:
    template = hub.templates.compile("{{ now().strftime('%H:%M') }}")
    assert template.render() == "12:00"
    assert isinstance(hub.clock, SimulatedClock)
    await hub.clock.advance(90 * 60)
    assert template.render() == "13:30"


def test_now_in_summer_is_eest(hub: Hub) -> None:
    summer = Hub(clock=SimulatedClock(datetime(2026, 7, 1, 9, 0, tzinfo=UTC)))
    assert summer.templates.compile("{{ now().isoformat() }}").render() == (
        "2026-07-01T12:00:00+03:00"
    )


def test_today_at(render: Render) -> None:
    assert render("{{ today_at('06:30').isoformat() }}") == "2026-01-15T06:30:00+02:00"
    assert render("{{ today_at().isoformat() }}") == "2026-01-15T00:00:00+02:00"
    assert render("{{ now() > today_at('06:30') }}") is True
    with pytest.raises(TemplateError, match="today_at expects a time such as '06:30'"):
        render("{{ today_at('half past six') }}")


def test_as_timestamp_and_as_datetime(render: Render) -> None:
    assert render("{{ as_timestamp('2026-01-01T00:00:00+00:00') }}") == 1767225600.0
    assert render("{{ as_timestamp(now()) }}") == START.timestamp()
    assert render("{{ 'never' | as_timestamp(0) }}") == 0
    with pytest.raises(TemplateError, match="as_timestamp got invalid input 'never'"):
        render("{{ as_timestamp('never') }}")
    assert render("{{ as_datetime('2026-01-15 08:00:00+02:00').hour }}") == 8
    assert render("{{ as_datetime(1767225600).isoformat() }}") == "2026-01-01T00:00:00+00:00"
    assert render("{{ as_datetime('garbage') }}") is None
    assert render("{{ as_datetime('garbage', 'fallback') }}") == "fallback"


def test_naive_times_are_taken_in_the_hubs_time_zone(render: Render) -> None:
    assert render("{{ as_timestamp('2026-01-01 02:00:00') }}") == 1767225600.0
    assert render("{{ as_local(as_datetime('2026-01-01 02:00:00')).isoformat() }}") == (
        "2026-01-01T02:00:00+02:00"
    )


def test_as_local_converts_to_the_hubs_zone(render: Render) -> None:
    assert render("{{ as_local(utcnow()).isoformat() }}") == "2026-01-15T12:00:00+02:00"
    assert render("{{ utcnow() | as_local | string }}") == "2026-01-15 12:00:00+02:00"


def test_timestamp_formatting(render: Render) -> None:
    assert render("{{ 1767225600 | timestamp_local }}") == "2026-01-01T02:00:00+02:00"
    assert render("{{ 1767225600 | timestamp_utc }}") == "2026-01-01T00:00:00+00:00"
    assert render("{{ 1767225600 | timestamp_custom('%H:%M') }}") == "02:00"
    assert render("{{ 1767225600 | timestamp_custom('%H:%M', false) }}") == "00:00"
    with pytest.raises(TemplateError, match="timestamp_custom got invalid input"):
        render("{{ 'soon' | timestamp_custom }}")


def test_relative_time_and_time_since(render: Render) -> None:
    assert render("{{ relative_time(now() - timedelta(hours=3)) }}") == "3 hours"
    assert render("{{ relative_time(now() - timedelta(seconds=1)) }}") == "1 second"
    assert render("{{ time_since(now() - timedelta(days=1, hours=2), 2) }}") == "1 day 2 hours"
    assert render("{{ time_until(now() + timedelta(minutes=5)) }}") == "5 minutes"
    assert render("{{ relative_time('not a time') }}") == "not a time"


def test_timedelta_strptime_and_as_timedelta(render: Render) -> None:
    assert render("{{ (now() + timedelta(minutes=30)).strftime('%H:%M') }}") == "12:30"
    assert render("{{ strptime('15/01/2026', '%d/%m/%Y').year }}") == 2026
    assert render("{{ strptime('x', '%Y', 'no') }}") == "no"
    assert render("{{ as_timedelta('01:30:00').total_seconds() }}") == 5400.0
    assert render("{{ as_timedelta('P1DT2H').total_seconds() }}") == 93600.0
    assert render("{{ as_timedelta('soon') }}") is None


def test_last_changed_compares_with_now(hub: Hub, render: Render) -> None:
    hub.states.set("binary_sensor.motion", "off")
    assert (
        render("{{ now() - states.binary_sensor.motion.last_changed < timedelta(minutes=5) }}")
        is True
    )
    assert render("{{ now() - timedelta(days=1) }}") == "2026-01-14 12:00:00+02:00"
    assert timedelta(days=1)  # the helper is Python's timedelta
