"""The core sections of config/hub.yaml: hub, http and logger."""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    SecretStr,
    model_validator,
)
from pydantic_core import PydanticCustomError

from kozani_hub.alerts.config import AlertsConfig
from kozani_hub.config.messages import suggest
from kozani_hub.recorder.config import RecorderConfig

CORE_KEYS = ("hub", "http", "logger", "recorder", "alerts")
"""Top-level keys of hub.yaml that are not integrations."""

DEFAULT_TIME_ZONE = "Europe/Athens"
MIN_TOKEN_LENGTH = 16

_SECTION = ConfigDict(extra="forbid", frozen=True)


def _number(value: Any) -> Any:
    # pydantic takes true/false as 1/0; in a coordinate or a port that is always a mistake.
    if isinstance(value, bool):
        raise PydanticCustomError("float_type", "Input should be a valid number")
    return value


def _time_zone(value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        hint = suggest(value, zoneinfo.available_timezones()) or (
            "; use a name such as 'Europe/Athens'"
        )
        raise ValueError(f"unknown time zone '{value}'{hint}") from None
    return value


def _one_or_many(value: Any) -> Any:
    return [value] if isinstance(value, str) else value


def _token(value: Any) -> Any:
    if isinstance(value, str) and len(value) < MIN_TOKEN_LENGTH:
        raise ValueError(f"a bearer token needs at least {MIN_TOKEN_LENGTH} characters; this "
                         f"one has {len(value)}")
    return value


def _level(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _empty_is_default(value: Any) -> Any:
    return {} if value is None else value


Number = Annotated[float, BeforeValidator(_number)]
WholeNumber = Annotated[int, BeforeValidator(_number)]
TimeZoneName = Annotated[str, BeforeValidator(_time_zone)]
Token = Annotated[SecretStr, BeforeValidator(_token)]


class LogLevel(StrEnum):
    """How much the hub logs, from most to least."""

    DEBUG = "debug"
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"
    CRITICAL = "critical"


Level = Annotated[LogLevel, BeforeValidator(_level)]


class HubSection(BaseModel):
    """`hub:` — who and where this hub is, and where its rules live."""

    model_config = _SECTION

    name: str = Field(min_length=1)
    latitude: Number = Field(ge=-90, le=90)
    longitude: Number = Field(ge=-180, le=180)
    elevation: Number = 0.0
    """Metres above sea level, for the sun's position."""
    time_zone: TimeZoneName = DEFAULT_TIME_ZONE
    rules: Annotated[tuple[str, ...], BeforeValidator(_one_or_many)] = ("../rules",)
    """Rule folders, relative to hub.yaml."""
    trace_runs: WholeNumber = Field(default=10, ge=1, le=1000)
    """How many runs of each rule keep their trace."""

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        """The time zone, ready for datetime."""
        return zoneinfo.ZoneInfo(self.time_zone)


class HttpSection(BaseModel):
    """`http:` — the REST and WebSocket API; absent means no HTTP server."""

    model_config = _SECTION

    host: str = "127.0.0.1"
    port: WholeNumber = Field(default=8123, ge=1, le=65535)
    tokens: tuple[Token, ...] = Field(min_length=1)
    """Bearer tokens that may use the API."""
    max_body_kib: WholeNumber = Field(default=1024, ge=1, le=1024 * 1024)
    announce: bool = True
    """Announce the API with zeroconf on the interface it listens on."""


class LoggerSection(BaseModel):
    """`logger:` — the default log level and the levels of chosen loggers."""

    model_config = _SECTION

    level: Level = LogLevel.INFO
    logs: Mapping[str, Level] = Field(default_factory=dict)


class HubConfig(BaseModel):
    """The core of hub.yaml; every other top-level key is an integration's section."""

    model_config = _SECTION

    hub: HubSection
    http: HttpSection | None = None
    logger: LoggerSection = LoggerSection()
    recorder: RecorderConfig = RecorderConfig()
    alerts: AlertsConfig = AlertsConfig()

    @model_validator(mode="before")
    @classmethod
    def _written_but_empty(cls, data: Any) -> Any:
        # `http:` or `logger:` written with nothing under it means "on, with defaults".
        if isinstance(data, Mapping):
            data = {key: _empty_is_default(value) if key in ("http", "logger", "recorder", "alerts")
                    else value
                    for key, value in data.items()}
        return data
