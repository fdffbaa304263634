"""Context: who or what caused a change, so a trace can follow a chain of causes."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, Literal

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

    def __init__(
        self,
        id: str | None = None,
        parent_id: str | None = None,
        origin: Origin = "local",
        user: str | None = None,
    ) -> None:
        # The slots' own setters, twice as fast as a frozen dataclass's object.__setattr__:
        # every state change and every run makes a Context. No id given: a new one.
        _set_id(self, id if id is not None else _new_id())
        _set_parent_id(self, parent_id)
        _set_origin(self, origin)
        _set_user(self, user)

    def child(self, origin: Origin = "rule") -> Context:
        """A new context caused by this one."""
        return build_context(_new_id(), self.id, origin, self.user)

    def as_dict(self) -> dict[str, str | None]:
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "origin": self.origin,
            "user": self.user,
        }


_set_id = Context.__dict__["id"].__set__
_set_parent_id = Context.__dict__["parent_id"].__set__
_set_origin = Context.__dict__["origin"].__set__
_set_user = Context.__dict__["user"].__set__


class _ContextSlots:
    """A Context's fields as plain slots: see `build_context`."""

    __slots__ = Context.__slots__


def build_context(
    id: str, parent_id: str | None, origin: Origin = "local", user: str | None = None
) -> Context:
    """`Context(id, parent_id, origin, user)`, built three times faster: the fields are set
    with plain stores on an object of the same layout, which then becomes a Context. A frozen
    dataclass sets each field through a C call, and every change and run makes a Context."""
    new: Any = _ContextSlots()
    new.id = id
    new.parent_id = parent_id
    new.origin = origin
    new.user = user
    new.__class__ = Context
    context: Context = new
    return context


def new_context() -> Context:
    """`Context()`: a context with a new id and no parent, built as `build_context` builds."""
    return build_context(_new_id(), None)
