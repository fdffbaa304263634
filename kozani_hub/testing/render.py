"""Values as a technician reads them in a failure report: compact YAML, local times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, tzinfo
from enum import Enum
from typing import Any

import yaml

from kozani_hub.core.states import State


def to_plain(value: Any) -> Any:
    """Plain YAML-able data: mappings, lists, strings, numbers, booleans, None."""
    if isinstance(value, State):
        return {"state": value.state, "attributes": to_plain(value.attributes)}
    if isinstance(value, Mapping):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_plain(v) for v in value]
    if isinstance(value, Enum):
        return to_plain(value.value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value if not isinstance(value, str) else str(value)
    return repr(value)


def flow(value: Any) -> str:
    """One line of YAML flow style: `{brightness_pct: 50, transition: 30}`."""
    text = yaml.safe_dump(to_plain(value), default_flow_style=True, sort_keys=False, width=10_000)
    text = text.strip()
    if text.endswith("\n..."):
        text = text[: -len("\n...")].strip()
    return text.removesuffix("...").strip()


def block(value: Any, indent: int = 0) -> str:
    """Indented block YAML."""
    text = yaml.safe_dump(
        to_plain(value), default_flow_style=False, sort_keys=False, allow_unicode=True, width=100
    ).rstrip()
    text = text.removesuffix("...").rstrip()
    pad = " " * indent
    return "\n".join(pad + line for line in text.splitlines())


def local_time(when: datetime | None, tz: tzinfo) -> str:
    """`2026-01-15 23:50:00+02:00` in the hub's time zone."""
    if when is None:
        return "-"
    return when.astimezone(tz).isoformat(sep=" ", timespec="seconds")


def clock_time(when: datetime | None, tz: tzinfo) -> str:
    """`Thu 15 Jan 23:50:00+02:00` in the hub's time zone (the offset tells DST hours apart)."""
    if when is None:
        return "-"
    local = when.astimezone(tz)
    offset = local.isoformat()[-6:]
    return local.strftime("%a %d %b %H:%M:%S") + offset
