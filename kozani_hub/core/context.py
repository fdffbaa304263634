"""Context: who or what caused a change, so a trace can follow a chain of causes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Literal

Origin = Literal["local", "device", "rule", "user", "api", "scenario", "restore"]


def _new_id() -> str:
    # 96 random bits: unique across decades of history, and five times cheaper than uuid4,
    # which matters because every state change without a cause of its own gets one.
    return f"{random.getrandbits(96):024x}"


@dataclass(frozen=True, slots=True)
class Context:
    """Identifies one cause. A rule run's context has the triggering change's context as parent."""

    id: str = field(default_factory=_new_id)
    parent_id: str | None = None
    origin: Origin = "local"
    user: str | None = None

    def child(self, origin: Origin = "rule") -> Context:
        """A new context caused by this one."""
        return Context(parent_id=self.id, origin=origin, user=self.user)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "origin": self.origin,
            "user": self.user,
        }
