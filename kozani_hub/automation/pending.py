"""Pending work of all rules as plain data, and taking it back after a restart."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .automation import Automation


def snapshot(automations: Iterable[Automation]) -> list[dict[str, Any]]:
    """Every rule's pending items, each tagged with the rule's id and definition digest."""
    items = []
    for automation in automations:
        rule = automation.rule
        for item in automation.snapshot():
            items.append({"rule": rule.id, "digest": rule.digest, **item})
    return items


def resume(rules: Mapping[str, Automation], items: Iterable[Mapping[str, Any]]) -> list[str]:
    """Give each saved item back to its rule; the problems, one line per item not taken.

    An item is dropped when its rule is gone, changed (another digest) or off.
    """
    problems: list[str] = []
    for item in items:
        rule_id = str(item.get("rule"))
        kind = item.get("kind")
        automation = rules.get(rule_id)
        if automation is None:
            problems.append(f"rule {rule_id} no longer exists; its pending {kind} is dropped")
            continue
        where = f"rule {rule_id} ({automation.where()})"
        if item.get("digest") != automation.rule.digest:
            problems.append(f"{where} changed while the hub was down; its pending {kind} "
                            "is dropped")
            continue
        if not automation.enabled:
            problems.append(f"{where} is off; its pending {kind} is dropped")
            continue
        try:
            problem = automation.resume(item)
        except Exception as err:
            problem = f"{type(err).__name__}: {err}"
        if problem:
            problems.append(f"{where}: pending {kind}: {problem}")
    return problems
