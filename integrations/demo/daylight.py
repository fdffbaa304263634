"""When a street lamp's photocell sees dark: between sunset and the next sunrise."""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo

from astral import Observer
from astral.sun import sunrise, sunset


def _observer(latitude: float, longitude: float, elevation: float) -> Observer:
    return Observer(latitude=latitude, longitude=longitude, elevation=elevation)


def sun_times(observer: Observer, day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Sunrise and sunset of a local day."""
    return sunrise(observer, day, tzinfo=tz), sunset(observer, day, tzinfo=tz)


class Daylight:
    """Sunrise and sunset at one place, for the lamps' photocells."""

    def __init__(self, latitude: float, longitude: float, elevation: float, tz: tzinfo) -> None:
        self._observer = _observer(latitude, longitude, elevation)
        self._tz = tz

    def is_dark(self, when: datetime) -> bool:
        local = when.astimezone(self._tz)
        rise, set_ = sun_times(self._observer, local.date(), self._tz)
        return local < rise or local >= set_

    def next_change(self, when: datetime) -> tuple[datetime, bool]:
        """The next sunrise or sunset after `when`, and whether it is dark from then on."""
        local = when.astimezone(self._tz)
        for offset in range(3):
            rise, set_ = sun_times(self._observer, local.date() + timedelta(days=offset), self._tz)
            for moment, dark in ((rise, False), (set_, True)):
                if moment > local:
                    return moment, dark
        raise ValueError(f"no sunrise or sunset within two days of {when.isoformat()}")
