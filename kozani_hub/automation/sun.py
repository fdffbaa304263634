"""Sunrise and sunset at the hub's location, computed with astral."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from enum import StrEnum

from astral import Observer
from astral.sun import sunrise, sunset

from kozani_hub.hub import Location


class SunEvent(StrEnum):
    SUNRISE = "sunrise"
    SUNSET = "sunset"


def observer(location: Location) -> Observer:
    return Observer(location.latitude, location.longitude, location.elevation)


def sun_event_on(location: Location, tz: tzinfo, event: SunEvent, day: date) -> datetime | None:
    """The instant of `event` on the local `day`, or None where the sun does not rise or set."""
    compute = sunrise if event is SunEvent.SUNRISE else sunset
    try:
        when: datetime = compute(observer(location), date=day, tzinfo=tz)
    except ValueError:
        return None
    return when


def next_sun_event(
    location: Location, tz: tzinfo, event: SunEvent, offset: timedelta, after: datetime
) -> datetime | None:
    """The first `event` + `offset` strictly after `after` (within a year)."""
    day = after.astimezone(tz).date() - timedelta(days=1)
    for _ in range(370):
        when = sun_event_on(location, tz, event, day)
        if when is not None and when + offset > after:
            return when + offset
        day += timedelta(days=1)
    return None
