"""Names that parts of the `alerts:` section use must name something: a person, a group, a
rota, a notifier, a policy. Each problem is placed where the name was written."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from pydantic_core import InitErrorDetails

from kozani_hub.config.messages import suggest

from .errors import Loc, problem

if TYPE_CHECKING:
    from .config import AlertsConfig
    from .definition import Definition

TARGET_KINDS = ("person", "group", "rota", "notifier")


def split_target(target: str) -> tuple[str, str]:
    """`group.nurses` → ("group", "nurses"); a bare name is a person."""
    kind, dot, name = target.partition(".")
    if dot and kind in TARGET_KINDS:
        return kind, name
    return "person", target


_PLURAL = {"person": "people", "escalation policy": "escalation policies"}


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    many = _PLURAL.get(what, what + "s")
    hint = suggest(name, names)
    if not hint:
        hint = f"; the {many} are {', '.join(names)}" if names else f"; no {many} are defined"
    return f"unknown {what} '{name}'{hint}"


def reference_problems(
    config: AlertsConfig, definitions: Sequence[Definition], prefix: Loc
) -> list[InitErrorDetails]:
    """Every name in `config` and `definitions` (written at `prefix`) that names nothing."""
    found: list[InitErrorDetails] = []
    people, notifiers = config.people, config.notifiers
    for pid, person in people.items():
        for i, contact in enumerate(person.contacts):
            if contact.notifier not in notifiers:
                found.append(problem(("people", pid, "contacts", i, "notifier"),
                                     _unknown("notifier", contact.notifier, notifiers)))
    for gid, members in config.groups.items():
        for i, member in enumerate(members):
            if member not in people:
                found.append(problem(("groups", gid, i), _unknown("person", member, people)))
    for rid, shifts in config.rotas.items():
        for i, shift in enumerate(shifts):
            for j, member in enumerate(shift.people):
                if member not in people:
                    found.append(problem(("rotas", rid, i, "people", j),
                                         _unknown("person", member, people)))
    for pid, policy in config.policies.items():
        for i, step in enumerate(policy.steps):
            for j, target in enumerate(step.notify):
                text = target_problem(config, target)
                if text:
                    found.append(problem(("policies", pid, "steps", i, "notify", j), text))
    found.extend(definition_problems(config, definitions, prefix))
    return found


def target_problem(config: AlertsConfig, target: str) -> str | None:
    """What is wrong with a notify target, or None."""
    kind, name = split_target(target)
    choices: dict[str, Mapping[str, object]] = {
        "person": config.people, "group": config.groups, "rota": config.rotas,
        "notifier": config.notifiers,
    }
    known = choices[kind]
    if name in known:
        return None
    text = _unknown(kind, name, known)
    if kind == "person" and "." in target:
        text += f" (targets are people, or {', '.join(k + '.<id>' for k in TARGET_KINDS[1:])})"
    return text


def definition_problems(
    config: AlertsConfig, definitions: Sequence[Definition], prefix: Loc,
    taken: Mapping[str, str] | None = None,
) -> list[InitErrorDetails]:
    """Unknown policies and ids used twice (also against `taken`: id → where it is used)."""
    found: list[InitErrorDetails] = []
    seen: dict[str, int] = {}
    for k, definition in enumerate(definitions):
        if definition.policy is not None and definition.policy not in config.policies:
            found.append(problem((*prefix, k, "policy"),
                                 _unknown("escalation policy", definition.policy,
                                          config.policies)))
        first = seen.get(definition.id)
        elsewhere = (taken or {}).get(definition.id)
        if first is not None or elsewhere is not None:
            where = f"item {first + 1} of this list" if first is not None else elsewhere
            found.append(problem((*prefix, k, "id"),
                                 f"alert id '{definition.id}' is already used by {where}; "
                                 "ids must be unique"))
        else:
            seen[definition.id] = k
    return found
