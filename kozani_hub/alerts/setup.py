"""Building the alert engine from a loaded configuration (hub.yaml and `*.alerts.yaml`)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from kozani_hub.config.errors import ConfigError, ConfigIssue

from .engine import AlertEngine
from .files import load_alert_files

if TYPE_CHECKING:
    from kozani_hub.config.hub_config import LoadedConfig
    from kozani_hub.hub import Hub

_LINK_KEY = b"kozani-hub acknowledgement links\x00"


def alert_issues(loaded: LoadedConfig) -> list[ConfigIssue]:
    """The problems of the alert files in the rule folders (hub.yaml's `alerts:` section is
    checked with the rest of hub.yaml)."""
    _, issues = load_alert_files(loaded.core.alerts, loaded.rule_dirs, roots=loaded.roots,
                                 main_file=str(loaded.config_file))
    return issues


def alert_engine(hub: Hub, loaded: LoadedConfig, *, record_notifications: bool = False
                 ) -> AlertEngine:
    """The alert engine of a configuration; ConfigError lists every problem of its files."""
    config = loaded.core.alerts
    definitions, issues = load_alert_files(config, loaded.rule_dirs, roots=loaded.roots,
                                           main_file=str(loaded.config_file))
    if issues:
        raise ConfigError(issues)
    return AlertEngine(hub, config, definitions=definitions,
                       record_notifications=record_notifications,
                       link_secret=link_secret(loaded))


def link_secret(loaded: LoadedConfig) -> bytes | None:
    """The key of acknowledgement links: `alerts.ack_secret`, else derived from the first API
    token (both survive restarts, so links sent before one still work after it)."""
    configured = loaded.core.alerts.ack_secret
    if configured is not None:
        return hashlib.sha256(_LINK_KEY + configured.get_secret_value().encode()).digest()
    http = loaded.core.http
    if http is not None and http.tokens:
        return hashlib.sha256(_LINK_KEY + http.tokens[0].get_secret_value().encode()).digest()
    return None
