"""Escalation: which steps of a policy are due, and who a step's targets are at an instant.

Steps keep their original schedule: the step after one due at 03:12 with `wait: 00:05:00` is due
at 03:17 even if the hub was down in between (it then runs at once, in order, when the hub is
back). Reminders (`repeat:`) follow the same rule.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from .config import AlertsConfig, Policy, Step
from .record import Escalation
from .refs import split_target
from .rota import on_call

MAX_STEPS_AT_ONCE = 200


@dataclass(frozen=True, slots=True)
class Recipient:
    """A person (or a notifier, told directly) and the target that named them."""

    person: str
    via: str

    @property
    def is_channel(self) -> bool:
        return self.person.startswith("notifier.")


@dataclass(frozen=True, slots=True)
class DueStep:
    """A step to run now: which one, in which round, and how to name it in keys."""

    step: Step
    index: int
    round: int

    @property
    def reason(self) -> str:
        return f"s{self.round + 1}.{self.index + 1}"


def start(now: datetime, repeat: Sequence[timedelta], has_policy: bool, number: int
          ) -> Escalation:
    """A new escalation: the first step due now, the first reminder after the first interval."""
    reminder = now + repeat[0] if repeat else None
    return Escalation(started=now, due=now if has_policy else None, reminder_due=reminder,
                      number=number)


def due_steps(
    policy: Policy, escalation: Escalation, now: datetime
) -> tuple[list[DueStep], Escalation]:
    """The steps due by `now`, in order, and the escalation after them."""
    steps: list[DueStep] = []
    esc = escalation
    while esc.due is not None and esc.due <= now and len(steps) < MAX_STEPS_AT_ONCE:
        step = policy.steps[esc.step]
        steps.append(DueStep(step, esc.step, esc.round))
        following, round_ = esc.step + 1, esc.round
        if following == len(policy.steps):
            following, round_ = 0, round_ + 1
        due = esc.due + step.wait if round_ < policy.loop else None
        esc = dataclasses.replace(esc, step=following, round=round_, due=due,
                                  last_step=esc.step + 1)
    return steps, esc


def due_reminders(
    repeat: Sequence[timedelta], escalation: Escalation, now: datetime
) -> tuple[list[int], Escalation]:
    """The reminder numbers due by `now` and the escalation after them."""
    numbers: list[int] = []
    esc = escalation
    while esc.reminder_due is not None and esc.reminder_due <= now and repeat \
            and len(numbers) < MAX_STEPS_AT_ONCE:
        numbers.append(esc.reminders + 1)
        count = esc.reminders + 1
        interval = repeat[min(count, len(repeat) - 1)]
        esc = dataclasses.replace(esc, reminders=count, reminder_due=esc.reminder_due + interval)
    return numbers, esc


def resolve(config: AlertsConfig, target: str, when: datetime, tz: tzinfo) -> list[Recipient]:
    """The people a target names at `when` (a rota names whoever is on call then)."""
    kind, name = split_target(target)
    if kind == "group":
        return [Recipient(p, target) for p in config.groups.get(name, ())]
    if kind == "rota":
        return [Recipient(p, target) for p in on_call(config.rotas.get(name, ()), when, tz)]
    if kind == "notifier":
        return [Recipient(target, target)]
    return [Recipient(name, target)]


def recipients(
    config: AlertsConfig, targets: Sequence[str], when: datetime, tz: tzinfo
) -> list[Recipient]:
    """Everyone the targets name, each once (the first target naming them wins)."""
    seen: dict[str, Recipient] = {}
    for target in targets:
        for recipient in resolve(config, target, when, tz):
            seen.setdefault(recipient.person, recipient)
    return list(seen.values())
