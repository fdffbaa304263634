"""Build a Hub from a configuration folder: core settings, integrations and components."""

from __future__ import annotations

import logging
from pathlib import Path

from .alerts.setup import alert_engine
from .automation import AutomationEngine
from .config.hub_config import LoadedConfig, load_hub_config
from .core.clock import Clock
from .http import HttpServer
from .http.announce import Announcer
from .hub import Hub, Location
from .recorder import Recorder

_LOGGER = logging.getLogger(__name__)


def hub_from_config(
    loaded: LoadedConfig,
    clock: Clock | None = None,
    *,
    with_integrations: bool = True,
    with_http: bool = True,
    with_recorder: bool = True,
    record_notifications: bool = False,
    owns_process: bool = False,
) -> Hub:
    """A hub for a loaded configuration, its components added in start order.

    The recorder starts first, so that what it restores is there before rules start; the HTTP
    server last, so that the API answers only once the hub is whole. With
    `record_notifications` (scenarios), alert notifications are recorded, never sent. A hub
    that `owns_process` (`kozani-hub run`, the benchmark) tunes the garbage collector.
    """
    section = loaded.core.hub
    hub = Hub(
        name=section.name,
        location=Location(
            section.latitude, section.longitude, section.elevation, section.time_zone
        ),
        clock=clock,
        config_dir=loaded.config_dir,
        integration_configs=loaded.integrations if with_integrations else {},
        owns_process=owns_process,
    )
    if with_recorder:
        hub.add_component(Recorder(hub, loaded.core.recorder))
    engine = AutomationEngine(hub, list(loaded.rule_dirs), trace_runs=section.trace_runs)
    hub.add_component(engine)
    alerts = alert_engine(hub, loaded, record_notifications=record_notifications)
    hub.add_component(alerts)
    http = loaded.core.http
    if with_http and http is not None:
        server = HttpServer(
            hub,
            host=http.host,
            port=http.port,
            tokens=[t.get_secret_value() for t in http.tokens],
            max_body_bytes=http.max_body_kib * 1024,
        )
        server.add_webhook_handler(engine.handle_webhook)
        alerts.install_http(server)
        hub.add_component(server)
        if http.announce:
            hub.add_component(Announcer(hub, http.host, http.port))
    return hub


def build_hub(
    config_dir: Path, clock: Clock | None = None, *, with_integrations: bool = True
) -> Hub:
    """Load `config_dir` (raising ConfigError with every problem) and build its hub."""
    return hub_from_config(load_hub_config(config_dir), clock, with_integrations=with_integrations)
