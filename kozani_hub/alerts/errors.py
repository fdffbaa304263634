"""Alert errors: actions refused at run time, and problems found across the `alerts:` section
(raised so that each keeps its own place).

A pydantic validator that raises a ValidationError keeps the locations of its errors below the
validator's own, so `kozani-hub check` reports each at the line it was written on.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

from kozani_hub.core.services import ServiceError

Loc = tuple[str | int, ...]


class AlertError(ServiceError):
    """An alert action that cannot be done (unknown alert, not allowed in its state)."""


def problem(loc: Loc, text: str, found: Any = None) -> InitErrorDetails:
    """One problem at `loc`, said as `text` (shown as it is)."""
    # The "Value error, " prefix is what the configuration messages strip to show text as is.
    kind = PydanticCustomError("value_error", "Value error, {text}", {"text": text})
    return InitErrorDetails(type=kind, loc=loc, input=found)


def relay(error: ValidationError, prefix: Loc) -> list[InitErrorDetails]:
    """The errors of a nested validation, moved below `prefix`."""
    out: list[InitErrorDetails] = []
    for details in error.errors(include_url=False):
        ctx = {k: v for k, v in (details.get("ctx") or {}).items() if k != "error"}
        template = details["msg"].replace("{", "{{").replace("}", "}}")
        kind = PydanticCustomError(details["type"], template, ctx or None)
        out.append(
            InitErrorDetails(type=kind, loc=(*prefix, *details["loc"]), input=details["input"])
        )
    return out


def raise_all(title: str, problems: Iterable[InitErrorDetails]) -> None:
    """Raise every problem at once, if there is any."""
    found: Sequence[InitErrorDetails] = list(problems)
    if found:
        raise ValidationError.from_exception_data(title, list(found))
