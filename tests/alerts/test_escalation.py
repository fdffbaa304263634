"""Escalation steps on their original schedule, loops, reminders, and who a target names."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kozani_hub.alerts.config import Policy
from kozani_hub.alerts.escalation import due_reminders, due_steps, recipients, start
from kozani_hub.alerts.record import Escalation

from .conftest import alerts_config

ATHENS = ZoneInfo("Europe/Athens")
T0 = datetime(2026, 1, 15, 1, 12, tzinfo=UTC)
MIN = timedelta(minutes=1)
POLICY = Policy.model_validate({
    "steps": [{"notify": ["nikos"], "wait": "00:05:00"}, {"notify": ["group.nurses"],
                                                          "wait": "00:10:00"}],
    "loop": 2,
})


def test_the_first_step_is_due_at_once_the_next_after_its_wait() -> None:
    esc = start(T0, (), True, 1)
    steps, esc = due_steps(POLICY, esc, T0)
    assert [(s.index, s.round) for s in steps] == [(0, 0)]
    assert esc.due == T0 + 5 * MIN
    assert esc.last_step == 1
    assert due_steps(POLICY, esc, T0 + 5 * MIN - timedelta(seconds=1))[0] == []


def test_steps_keep_their_schedule_when_run_late_and_loops_end() -> None:
    esc = start(T0, (), True, 1)
    steps, esc = due_steps(POLICY, esc, T0 + 3 * 60 * MIN)  # the hub was down three hours
    assert [(s.index, s.round) for s in steps] == [(0, 0), (1, 0), (0, 1), (1, 1)]
    assert [s.reason for s in steps] == ["s1.1", "s1.2", "s2.1", "s2.2"]
    assert esc.due is None


def test_the_due_times_follow_the_original_start_not_the_late_run() -> None:
    esc = start(T0, (), True, 1)
    _, esc = due_steps(POLICY, esc, T0 + 7 * MIN)  # steps 1 and 2 run late, at 7 minutes
    assert esc.due == T0 + 15 * MIN                 # round 2 starts 5 + 10 after the start


def test_reminders_repeat_the_last_interval() -> None:
    repeat = (10 * MIN, 30 * MIN)
    esc = start(T0, repeat, False, 1)
    assert esc.due is None
    assert esc.reminder_due == T0 + 10 * MIN
    numbers, esc = due_reminders(repeat, esc, T0 + 70 * MIN)
    assert numbers == [1, 2, 3]
    assert esc.reminder_due == T0 + 100 * MIN


def test_targets_name_people_groups_rotas_and_notifiers_each_once() -> None:
    config = alerts_config()
    night = T0  # 03:12 in Kozani
    found = recipients(config, ["rota.care", "group.nurses", "nikos", "notifier.mail"], night,
                       ATHENS)
    assert [(r.person, r.via) for r in found] == [
        ("nikos", "rota.care"), ("eleni", "group.nurses"), ("notifier.mail", "notifier.mail"),
    ]
    assert recipients(config, ["rota.care"], T0 + 7 * 60 * MIN, ATHENS)[0].person == "maria"


def test_an_escalation_keeps_its_number_and_start() -> None:
    _, after = due_steps(POLICY, Escalation(started=T0, due=T0, number=7), T0 + 20 * MIN)
    assert (after.number, after.started) == (7, T0)
