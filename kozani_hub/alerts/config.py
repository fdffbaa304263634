"""The `alerts:` section of hub.yaml: notifiers, people, groups, rotas, policies, definitions.

Every name one part refers to must exist in another (a policy's person, a contact's notifier,
a definition's policy); each problem is reported at the line it was written on.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any, Self

from pydantic import BaseModel, Field, SecretStr, ValidationError, field_validator, model_validator

from .definition import Definition
from .errors import problem, raise_all, relay
from .fields import (
    WEEKDAYS,
    Duration,
    Identifier,
    Names,
    Section,
    Severity,
    TimeOfDay,
    Weekday,
)
from .refs import reference_problems


class Contact(Section):
    """Where a person is reached: a notifier and the address on it."""

    notifier: Identifier
    address: str = ""


class Person(Section):
    name: str | None = None
    contacts: tuple[Contact, ...] = ()


class Shift(Section):
    """Who is on call from `from` to `to` on the given days; `to` at or before `from` ends on
    the next day (a night shift), and `days` names the day a shift starts."""

    days: tuple[Weekday, ...] = WEEKDAYS
    start: TimeOfDay = Field(alias="from")
    end: TimeOfDay = Field(alias="to")
    people: Names = Field(min_length=1)


class ServiceAction(Section):
    """A service a step calls (`light.turn_on` with its target and data)."""

    action: str = Field(pattern=r"^[a-z0-9_]+\.[a-z0-9_]+$")
    target: dict[str, Any] | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Step(Section):
    """Notify these targets (people, `group.x`, `rota.x`, `notifier.x`), call a service, then
    wait before the next step."""

    notify: Names = ()
    call: ServiceAction | None = None
    wait: Duration = timedelta(0)

    @model_validator(mode="after")
    def _does_something(self) -> Self:
        if not self.notify and self.call is None:
            raise ValueError("a step needs 'notify', 'call', or both")
        return self


class Policy(Section):
    """Ordered steps, run `loop` times in all; acknowledgement stops them."""

    steps: tuple[Step, ...] = Field(min_length=1)
    loop: int = Field(default=1, ge=1, le=100,
                      description="how many times the steps run in all")


class FloodConfig(Section):
    """Grouping, rate limits and the nuisance checks."""

    group_window: Duration = timedelta(seconds=60)
    rate_limit: int = Field(default=6, ge=1, description="notifications per person per period")
    rate_period: Duration = timedelta(minutes=10)
    rate_exempt: tuple[Severity, ...] = (Severity.CRITICAL,)
    chatter_count: int = Field(default=3, ge=2, description="activations within chatter_window")
    chatter_window: Duration = timedelta(minutes=1)
    stale_after: Duration = timedelta(hours=24)


class RetryConfig(Section):
    """How the outbox tries again: first after `first`, doubling up to `longest`."""

    first: Duration = timedelta(seconds=10)
    factor: float = Field(default=2.0, ge=1.0, le=10.0)
    longest: Duration = timedelta(minutes=5)


class AlertsConfig(Section):
    """`alerts:` — who is told about what, and how."""

    base_url: str | None = Field(default=None,
                                 description="the hub's address, for acknowledgement links")
    ack_secret: SecretStr | None = Field(default=None, description="signs acknowledgement links")
    ack_lifetime: Duration = timedelta(hours=24)
    notifiers: dict[Identifier, Any] = Field(default_factory=dict)
    people: dict[Identifier, Person] = Field(default_factory=dict)
    groups: dict[Identifier, Names] = Field(default_factory=dict)
    rotas: dict[Identifier, tuple[Shift, ...]] = Field(default_factory=dict)
    policies: dict[Identifier, Policy] = Field(default_factory=dict)
    definitions: tuple[Definition, ...] = ()
    shelve_max: Duration = timedelta(hours=8)
    flood: FloodConfig = FloodConfig()
    retry: RetryConfig = RetryConfig()
    log_keep_days: int = Field(default=400, ge=1, description="days of alert history to keep")

    @field_validator("notifiers", mode="after")
    @classmethod
    def _notifier_configs(cls, value: Mapping[str, Any]) -> dict[str, BaseModel]:
        return validate_notifiers(value)

    @model_validator(mode="after")
    def _references(self) -> Self:
        raise_all("alerts", reference_problems(self, self.definitions, ("definitions",)))
        return self


def validate_notifiers(value: Mapping[str, Any]) -> dict[str, BaseModel]:
    """Each notifier's section, validated by the model of its `type:`."""
    # Imported here: the notifiers bring their HTTP and SMTP clients, which reading hub.yaml
    # (kozani-hub check) needs only when a notifier is configured.
    from .notifiers import NOTIFIER_TYPES  # noqa: PLC0415

    out: dict[str, BaseModel] = {}
    problems = []
    for name, raw in value.items():
        kind = raw.get("type") if isinstance(raw, Mapping) else None
        if not isinstance(raw, Mapping) or kind not in NOTIFIER_TYPES:
            known = ", ".join(sorted(NOTIFIER_TYPES))
            text = (f"notifier '{name}' needs a 'type': one of {known}" if kind is None
                    else f"unknown notifier type {kind!r}; the types are {known}")
            problems.append(problem((name, "type") if kind is not None else (name,), text, kind))
            continue
        model = NOTIFIER_TYPES[kind][0]
        try:
            out[name] = model.model_validate(raw)
        except ValidationError as err:
            problems.extend(relay(err, (name,)))
    raise_all("notifiers", problems)
    return out

