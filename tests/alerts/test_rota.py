"""Who is on call: weekdays, the night shift across midnight, the first shift that covers, and
the clock changes of Europe/Athens."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from kozani_hub.alerts.config import Shift
from kozani_hub.alerts.rota import covers, on_call

ATHENS = ZoneInfo("Europe/Athens")


def shift(start: str, end: str, people: list[str], days: list[str] | None = None) -> Shift:
    data = {"from": start, "to": end, "people": people}
    if days is not None:
        data["days"] = days
    return Shift.model_validate(data)


ROTA = [
    shift("07:00", "22:00", ["maria"], ["mon", "tue", "wed", "thu", "fri"]),
    shift("07:00", "22:00", ["giorgos"], ["sat", "sun"]),
    shift("22:00", "07:00", ["nikos"]),
]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ATHENS)


@pytest.mark.parametrize(("when", "who"), [
    ("2026-01-15 03:12", "nikos"),        # Thursday night
    ("2026-01-15 06:59:59", "nikos"),
    ("2026-01-15 07:00", "maria"),        # a shift's start is included...
    ("2026-01-15 21:59:59", "maria"),
    ("2026-01-15 22:00", "nikos"),        # ...its end is not
    ("2026-01-17 03:00", "nikos"),        # Friday's night shift, on Saturday
    ("2026-01-17 10:00", "giorgos"),      # the weekend day shift
    ("2026-01-19 06:30", "nikos"),        # Sunday's night shift, on Monday
])
def test_the_shift_that_covers_the_instant(when: str, who: str) -> None:
    assert on_call(ROTA, at(when), ATHENS) == (who,)


def test_days_name_the_day_a_night_shift_starts() -> None:
    friday_night = shift("22:00", "07:00", ["nikos"], ["fri"])
    assert covers(friday_night, at("2026-01-17 03:00"), ATHENS)      # Saturday 03:00
    assert not covers(friday_night, at("2026-01-16 03:00"), ATHENS)  # Friday 03:00 is Thursday's


def test_the_first_shift_that_covers_wins_so_an_override_goes_first() -> None:
    holiday = shift("07:00", "22:00", ["eleni"], ["thu"])
    assert on_call([holiday, *ROTA], at("2026-01-15 10:00"), ATHENS) == ("eleni",)
    assert on_call([*ROTA, holiday], at("2026-01-15 10:00"), ATHENS) == ("maria",)


def test_nobody_when_no_shift_covers() -> None:
    assert on_call(ROTA[:1], at("2026-01-17 10:00"), ATHENS) == ()


def test_a_whole_day_shift() -> None:
    assert on_call([shift("00:00", "00:00", ["kostas"])], at("2026-01-15 13:00"), ATHENS) \
        == ("kostas",)


def test_spring_forward_night_is_an_hour_shorter_but_keeps_its_wall_clock_hours() -> None:
    # 29 March 2026, 03:00 EET becomes 04:00 EEST.
    night = [shift("22:00", "07:00", ["nikos"]), shift("07:00", "22:00", ["maria"])]
    assert on_call(night, datetime.fromisoformat("2026-03-29T04:30:00+03:00"), ATHENS) == \
        ("nikos",)
    assert on_call(night, datetime.fromisoformat("2026-03-29T06:59:00+03:00"), ATHENS) == \
        ("nikos",)
    assert on_call(night, datetime.fromisoformat("2026-03-29T07:00:00+03:00"), ATHENS) == \
        ("maria",)


def test_autumn_back_night_is_an_hour_longer() -> None:
    # 25 October 2026, 04:00 EEST becomes 03:00 EET; 03:30 happens twice.
    night = [shift("22:00", "07:00", ["nikos"]), shift("07:00", "22:00", ["maria"])]
    for instant in ("2026-10-25T03:30:00+03:00", "2026-10-25T03:30:00+02:00",
                    "2026-10-25T06:59:00+02:00"):
        assert on_call(night, datetime.fromisoformat(instant), ATHENS) == ("nikos",)
    assert on_call(night, datetime.fromisoformat("2026-10-25T07:00:00+02:00"), ATHENS) == \
        ("maria",)


def test_a_shift_starting_in_the_skipped_hour_still_starts() -> None:
    early = [shift("03:30", "05:00", ["kostas"])]
    # 03:30 does not exist on 29 March; the shift runs from 04:30 EEST (the same instant).
    assert on_call(early, datetime.fromisoformat("2026-03-29T04:45:00+03:00"), ATHENS) == \
        ("kostas",)


def test_an_unquoted_time_is_refused_with_a_hint() -> None:
    with pytest.raises(ValueError, match="in quotes"):
        Shift.model_validate({"from": 450, "to": "22:00", "people": ["maria"]})
