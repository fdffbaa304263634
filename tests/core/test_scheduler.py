from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.scheduler import Scheduler, crontab_trigger, crontab_weekdays

ATHENS = ZoneInfo("Europe/Athens")


def local(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ATHENS)


async def test_at_and_later() -> None:
    clock = SimulatedClock(local("2026-01-15T10:00:00"))
    sched = Scheduler(clock, ATHENS)
    fired: list[str] = []
    sched.at(local("2026-01-15T10:30:00"), lambda: fired.append("at"))
    job = sched.later(timedelta(minutes=10), lambda: fired.append("later"))
    assert job.next_run == local("2026-01-15T10:10:00")
    await clock.advance(3600)
    assert fired == ["later", "at"]
    assert job.next_run is None


async def test_every_interval_until_cancelled() -> None:
    clock = SimulatedClock(local("2026-01-15T10:00:00"))
    sched = Scheduler(clock, ATHENS)
    ticks: list[datetime] = []
    job = sched.every(timedelta(seconds=15), lambda: ticks.append(clock.now()))
    await clock.advance(60)
    assert len(ticks) == 4
    job.cancel()
    await clock.advance(60)
    assert len(ticks) == 4


async def test_cron_on_weekdays_only() -> None:
    clock = SimulatedClock(local("2026-01-16T00:00:00"))  # a Friday
    sched = Scheduler(clock, ATHENS)
    runs: list[datetime] = []
    sched.cron("30 7 * * mon-fri", lambda: runs.append(clock.now().astimezone(ATHENS)))
    await clock.advance(4 * 86400)  # Fri, Sat, Sun, Mon
    assert [r.strftime("%a %H:%M") for r in runs] == ["Fri 07:30", "Mon 07:30"]


async def test_daily_job_keeps_local_time_across_spring_dst_change() -> None:
    # Europe/Athens moves from +02:00 to +03:00 at 03:00 on 29 March 2026.
    clock = SimulatedClock(local("2026-03-27T12:00:00"))
    sched = Scheduler(clock, ATHENS)
    runs: list[datetime] = []
    sched.cron("0 6 * * *", lambda: runs.append(clock.now().astimezone(ATHENS)))
    await clock.advance(4 * 86400)
    assert [r.isoformat() for r in runs] == [
        "2026-03-28T06:00:00+02:00",
        "2026-03-29T06:00:00+03:00",
        "2026-03-30T06:00:00+03:00",
        "2026-03-31T06:00:00+03:00",
    ]
    utc = [r.astimezone(ZoneInfo("UTC")) for r in runs]
    gaps = [b - a for a, b in itertools.pairwise(utc)]
    assert gaps == [
        timedelta(hours=23),
        timedelta(hours=24),
        timedelta(hours=24),
    ]  # the short night


async def test_job_in_the_skipped_hour_and_the_repeated_hour() -> None:
    # 03:30 does not exist on 29 March; 03:30 happens twice on 25 October 2026.
    clock = SimulatedClock(local("2026-03-28T12:00:00"))
    sched = Scheduler(clock, ATHENS)
    spring: list[str] = []
    sched.cron("30 3 * * *", lambda: spring.append(clock.now().astimezone(ATHENS).isoformat()))
    await clock.advance(2 * 86400)
    # the day without 03:30 still gets its one run, just after the clocks went forward
    assert spring == ["2026-03-29T04:30:00+03:00", "2026-03-30T03:30:00+03:00"]

    clock2 = SimulatedClock(local("2026-10-24T12:00:00"))
    sched2 = Scheduler(clock2, ATHENS)
    autumn: list[datetime] = []
    sched2.cron("30 3 * * *", lambda: autumn.append(clock2.now()))
    await clock2.advance(86400)
    assert len(autumn) == 1  # the repeated hour runs the job once


async def test_midnight_jobs_keep_their_days_across_the_spring_change() -> None:
    # The clocks go forward at 03:00 on Sunday 29 March 2026; Monday's midnight, the week's
    # and April's first still come (APScheduler 3 alone passes over them).
    clock = SimulatedClock(local("2026-02-28T12:00:00"))
    sched = Scheduler(clock, ATHENS)
    daily: list[str] = []
    weekly: list[str] = []
    monthly: list[str] = []
    sched.cron("0 0 * * *", lambda: daily.append(clock.now().astimezone(ATHENS).isoformat()))
    sched.cron("0 0 * * 1", lambda: weekly.append(clock.now().astimezone(ATHENS).isoformat()))
    sched.cron("0 0 1 * *", lambda: monthly.append(clock.now().astimezone(ATHENS).isoformat()))
    await clock.advance_to(local("2026-04-01T12:00:00"))
    assert daily[-4:] == [
        "2026-03-29T00:00:00+02:00",
        "2026-03-30T00:00:00+03:00",
        "2026-03-31T00:00:00+03:00",
        "2026-04-01T00:00:00+03:00",
    ]
    assert weekly[-2:] == ["2026-03-23T00:00:00+02:00", "2026-03-30T00:00:00+03:00"]
    assert monthly == ["2026-03-01T00:00:00+02:00", "2026-04-01T00:00:00+03:00"]
    clock2 = SimulatedClock(local("2026-03-29T00:30:00"))  # a job made before the change
    assert Scheduler(clock2, ATHENS).cron("0 0 * * *", lambda: None).next_run == local(
        "2026-03-30T00:00:00"
    )


async def test_a_daily_job_in_the_repeated_hour_goes_on_the_day_after() -> None:
    clock = SimulatedClock(local("2026-10-24T12:00:00"))
    sched = Scheduler(clock, ATHENS)
    runs: list[datetime] = []
    sched.cron("30 3 * * *", lambda: runs.append(clock.now()))
    await clock.advance(3 * 86400)
    assert len(runs) == 3  # 25 October (once), 26 and 27 October


async def test_a_failing_job_keeps_its_schedule(caplog: object) -> None:
    clock = SimulatedClock(local("2026-01-15T10:00:00"))
    sched = Scheduler(clock, ATHENS)
    count = 0

    def flaky() -> None:
        nonlocal count
        count += 1
        raise RuntimeError("device busy")

    sched.every(timedelta(seconds=10), flaky)
    await clock.advance(30)
    assert count == 3


async def test_interval_counts_real_time_across_the_autumn_change() -> None:
    # 25 October 2026 has 25 hours in Athens; an hourly interval runs 25 times that day.
    clock = SimulatedClock(local("2026-10-25T00:00:00"))
    sched = Scheduler(clock, ATHENS)
    runs: list[datetime] = []
    sched.every(
        timedelta(hours=1), lambda: runs.append(clock.now()), start=local("2026-10-25T00:00:00")
    )
    await clock.advance_to(local("2026-10-25T23:59:00"))
    assert len(runs) == 25


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("1-5", "mon,tue,wed,thu,fri"),
        ("0", "sun"),
        ("7", "sun"),
        ("mon-fri", "mon,tue,wed,thu,fri"),
        ("5-7", "fri,sat,sun"),
        ("*/2", "sun,tue,thu,sat"),
        ("1,3", "mon,wed"),
        ("*", "*"),
    ],
)
def test_crontab_weekdays_count_from_sunday(field: str, expected: str) -> None:
    assert crontab_weekdays(field) == expected


async def test_cron_weekday_numbers_mean_what_cron_means() -> None:
    clock = SimulatedClock(local("2026-01-17T00:00:00"))  # a Saturday
    sched = Scheduler(clock, ATHENS)
    runs: list[str] = []
    sched.cron("0 6 * * 1-5", lambda: runs.append(clock.now().astimezone(ATHENS).strftime("%a")))
    await clock.advance(7 * 86400)
    assert runs == ["Mon", "Tue", "Wed", "Thu", "Fri"]


def test_bad_crontab_expressions_are_explained() -> None:
    with pytest.raises(ValueError, match="5 fields"):
        crontab_trigger("0 6 * *", ATHENS)
    with pytest.raises(ValueError, match="out of range 0-7"):
        crontab_trigger("0 6 * * 9", ATHENS)


async def test_a_job_every_minute_runs_through_the_repeated_hour() -> None:
    # 25 October 2026: 03:00-04:00 happens twice in Athens; real minutes go on all along.
    clock = SimulatedClock(local("2026-10-25T03:50:00"))
    sched = Scheduler(clock, ATHENS)
    runs: list[datetime] = []
    job = sched.cron_fields(lambda: runs.append(clock.now()), second=0)
    await clock.advance(3 * 3600)
    assert len(runs) == 181  # 03:50 (summer time) to 05:50 (winter time), both ends included
    gaps = {b - a for a, b in itertools.pairwise(runs)}
    assert gaps == {timedelta(minutes=1)}
    assert job.next_run is not None
