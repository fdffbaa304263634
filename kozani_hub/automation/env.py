"""What triggers, conditions and actions reach at run time: the hub's parts, held directly."""

from __future__ import annotations

import itertools
import logging
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kozani_hub.templates import TemplateEngine

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger("kozani_hub.automation")


class Env:
    """The hub's clock, states, bus, services, templates and location, for the rules' use."""

    __slots__ = (
        "_counter",
        "_prefix",
        "bus",
        "clock",
        "hub",
        "location",
        "logger",
        "on_pending_change",
        "scheduler",
        "services",
        "states",
        "templates",
        "tz",
        "webhooks",
    )

    def __init__(self, hub: Hub, templates: TemplateEngine) -> None:
        self.hub = hub
        self.clock = hub.clock
        self.states = hub.states
        self.bus = hub.bus
        self.services = hub.services
        self.scheduler = hub.scheduler
        self.tz = hub.tz
        self.location = hub.location
        self.templates = templates
        self.logger = _LOGGER
        self.webhooks: dict[str, Callable[[dict[str, Any]], None]] = {}
        self.on_pending_change: Callable[[], None] = _nothing
        # Run contexts need unique ids by the thousand per second; uuid4 asks the kernel for
        # randomness each time. A random prefix per engine and a counter are as unique.
        self._prefix = secrets.token_hex(10)
        self._counter = itertools.count(1)

    def new_id(self) -> str:
        """A unique context id (32 hex characters, like a uuid4's)."""
        return f"{self._prefix}{next(self._counter):012x}"

    def now(self) -> datetime:
        """The current instant (UTC)."""
        return self.clock.now()

    def local_now(self) -> datetime:
        """The current instant in the hub's time zone."""
        return self.clock.now().astimezone(self.tz)


def _nothing() -> None:
    return None
