"""The `recorder:` section of hub.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_RESTORE_DOMAINS: tuple[str, ...] = (
    "automation",
    "alert",
    "counter",
    "input_boolean",
    "input_button",
    "input_datetime",
    "input_number",
    "input_select",
    "input_text",
    "timer",
)


class FilterConfig(BaseModel):
    """Which entities and events an include or exclude list names."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domains: tuple[str, ...] = ()
    entities: tuple[str, ...] = ()
    entity_globs: tuple[str, ...] = Field(
        default=(), description="shell-style patterns such as 'sensor.*_rssi'"
    )
    event_types: tuple[str, ...] = ()


class RecorderConfig(BaseModel):
    """History, statistics and restore data, kept in an SQLite file in the configuration directory."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    db_path: str = Field(
        default="kozani.db",
        description="the database file; a relative path is taken from the configuration directory",
    )
    commit_interval: float = Field(
        default=1.0,
        gt=0,
        le=1.0,
        description="seconds between commits: at most this much history is lost in a crash",
    )
    purge_keep_days: int = Field(
        default=10, ge=1, description="days of states, events and rule runs to keep"
    )
    auto_purge: bool = Field(default=True, description="purge old rows every night at 04:12")
    queue_max: int = Field(
        default=100_000,
        ge=100,
        description="states and events waiting to be written; beyond this new ones are dropped",
    )
    include: FilterConfig = FilterConfig()
    exclude: FilterConfig = FilterConfig()
    record_rule_echoes: bool = Field(
        default=False,
        description=(
            "also record what only repeats a rule run's own record: automation_triggered "
            "events, call_service events of rule actions, and the attribute-only updates "
            "(last_triggered, current) of automation.* entities"
        ),
    )
    restore_domains: tuple[str, ...] = Field(
        default=DEFAULT_RESTORE_DOMAINS,
        description="domains whose last state is put back after a restart (no device to ask)",
    )
