"""Helpers shared by the rule tests."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.services import ServiceCall


class Calls(list[ServiceCall]):
    """Service calls recorded in order."""

    def names(self) -> list[str]:
        return [c.name for c in self]

    def datas(self) -> list[dict[str, Any]]:
        return [dict(c.data) for c in self]

    def targets(self) -> list[tuple[str, ...]]:
        return [c.entity_ids for c in self]


def write(folder: Path, name: str, text: str) -> Path:
    """Write a rule file (dedented) below `folder`."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def summaries(engine: AutomationEngine, rule_id: str) -> list[str]:
    return [t.summary() for t in engine.traces(rule_id)]
