"""A `history_stats:` sensor, as Home Assistant's history_stats sensor is written."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from integrations.helper_base.schema import Duration, EntityId, Frozen, TemplateText, fail


def _states(value: Any) -> Any:
    """One state or a list; YAML's unquoted on/off (read as true/false) mean 'on'/'off'."""
    items = value if isinstance(value, list | tuple) else [value]
    return [("on" if item else "off") if isinstance(item, bool) else item for item in items]


class HistoryStatsConfig(Frozen):
    name: str = Field(min_length=1)
    entity_id: EntityId
    state: Annotated[tuple[str, ...], BeforeValidator(_states), Field(min_length=1)]
    type: Literal["time", "ratio", "count"] = "time"
    start: TemplateText | None = None
    end: TemplateText | None = None
    duration: Duration | None = None

    @model_validator(mode="after")
    def _two_of_three(self) -> Self:
        given = [k for k in ("start", "end", "duration") if getattr(self, k) is not None]
        if len(given) != 2:
            fail("type" if not given else given[0], "a history_stats period needs exactly two "
                 f"of start, end and duration; found {', '.join(given) or 'none'}")
        return self
