"""The Hub: one object that owns the clock, bus, states, services, scheduler, entities,
integrations and components, and starts and stops them in order."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from collections.abc import Coroutine, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar, runtime_checkable
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from .core.clock import Clock, RealClock
from .core.events import EVENT_HUB_STARTED, EVENT_HUB_STOP, EventBus
from .core.scheduler import Scheduler
from .core.services import ServiceRegistry
from .core.states import StateMachine
from .entities import EntityRegistry
from .integration import Integration, IntegrationError, IntegrationInstance, load, setup_order
from .templates import TemplateEngine

_LOGGER = logging.getLogger("kozani_hub")
_T = TypeVar("_T")

SETUP_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Location:
    """Where the hub is: for the sun, and the time zone of its calendar."""

    latitude: float = 40.3007
    longitude: float = 21.7887
    elevation: float = 710.0
    time_zone: str = "Europe/Athens"


class Component(Protocol):
    """A part of the core started after the integrations (rules, HTTP, ...)."""

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


@runtime_checkable
class Reloadable(Protocol):
    """A component that can re-read its configuration while the hub runs (on SIGHUP)."""

    name: str

    async def reload(self) -> Any: ...


GC_YOUNG_THRESHOLD = 50_000


def settle_garbage_collector() -> None:
    """Tune the collector for a long-running hub, once everything is loaded.

    What start-up built (rules, templates, entities) lives as long as the process; freezing
    it keeps the collector from walking it again and again, and a larger young generation
    lets the many short-lived objects of each state change die without a collection. Only a
    hub that owns its process does this (`kozani-hub run`, the benchmark), never one in a test.
    """
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_YOUNG_THRESHOLD, middle, old)


class Hub:
    """Owns everything; nothing in the hub lives in module-level state."""

    def __init__(
        self,
        *,
        name: str = "Kozani Hub",
        location: Location | None = None,
        clock: Clock | None = None,
        config_dir: Path | None = None,
        integration_configs: Mapping[str, Any] | None = None,
        integration_registry: Mapping[str, str] | None = None,
        owns_process: bool = False,
    ) -> None:
        self.name = name
        self.location = location or Location()
        self.tz = ZoneInfo(self.location.time_zone)
        self.clock: Clock = clock or RealClock()
        self.config_dir = config_dir
        self.bus = EventBus(self.clock.now)
        self.states = StateMachine(self.bus, self.clock.now)
        self.services = ServiceRegistry(self.bus)
        self.scheduler = Scheduler(self.clock, self.tz)
        self.entities = EntityRegistry(self)
        self.entities.register_services()
        self.templates = TemplateEngine(self)
        self.integration_configs: dict[str, Any] = dict(integration_configs or {})
        self._registry = integration_registry
        self.owns_process = owns_process
        self.integrations: dict[str, IntegrationInstance] = {}
        self.failed_integrations: dict[str, str] = {}
        self.components: list[Component] = []
        self._tasks: set[asyncio.Task[Any]] = set()
        self._stop_requested: asyncio.Event | None = None
        self._started_order: list[str] = []
        self.running = False

    # --- time -----------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current instant in the hub's time zone."""
        return self.clock.now().astimezone(self.tz)

    # --- tasks ----------------------------------------------------------------------------

    def create_task(
        self, coro: Coroutine[Any, Any, _T], name: str | None = None
    ) -> asyncio.Task[_T]:
        """Start a task the hub keeps track of (and cancels on stop); its failure is logged."""
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            _LOGGER.error(
                "Task %s failed: %r", task.get_name(), task.exception(), exc_info=task.exception()
            )

    @property
    def pending_tasks(self) -> int:
        return len(self._tasks)

    # --- lifecycle ------------------------------------------------------------------------

    def add_component(self, component: Component) -> None:
        self.components.append(component)

    async def start(self) -> None:
        """Set up integrations in dependency order, then start the components."""
        await self._setup_integrations()
        for component in self.components:
            await component.start()
        self.running = True
        if self.owns_process:
            settle_garbage_collector()
        self.bus.fire(EVENT_HUB_STARTED, {"name": self.name})
        _LOGGER.info(
            "%s started: %d integrations, %d entities",
            self.name,
            len(self.integrations),
            len(self.states),
        )

    async def _setup_integrations(self) -> None:
        loaded: list[Integration] = []
        for domain in self.integration_configs:
            try:
                loaded.append(load(domain, self._registry))
            except IntegrationError as err:
                self._fail(domain, str(err))
        try:
            ordered = setup_order(loaded)
        except IntegrationError as err:
            for integration in loaded:
                self._fail(integration.domain, str(err))
            return
        for integration in ordered:
            await self._setup_one(integration)

    async def _setup_one(self, integration: Integration) -> None:
        domain = integration.domain
        blocked = [d for d in integration.dependencies if d not in self.integrations]
        if blocked:
            self._fail(domain, f"needs {', '.join(blocked)}, which did not set up")
            return
        raw = self.integration_configs.get(domain)
        try:
            config = integration.schema.model_validate({} if raw is None else raw)
        except ValidationError as err:
            self._fail(domain, f"invalid configuration: {err.errors()[0]['msg']}")
            return
        try:
            instance = await asyncio.wait_for(integration.setup(self, config), SETUP_TIMEOUT)
        except TimeoutError:
            self._fail(domain, f"setup took longer than {SETUP_TIMEOUT:.0f} s")
            return
        except Exception as err:
            _LOGGER.debug("Setup of %s failed", domain, exc_info=True)
            self._fail(domain, f"{type(err).__name__}: {err}")
            return
        self.integrations[domain] = instance
        self._started_order.append(domain)
        _LOGGER.info("Integration %s set up", domain)

    def _fail(self, domain: str, reason: str) -> None:
        self.failed_integrations[domain] = reason
        _LOGGER.error(
            "Integration %s failed to set up: %s; the hub runs on without it", domain, reason
        )

    async def stop(self) -> None:
        """Stop components, then integrations in reverse order, then cancel leftover tasks."""
        if self.running:
            self.bus.fire(EVENT_HUB_STOP, {"name": self.name})
        self.running = False
        for component in reversed(self.components):
            await self._bounded(component.stop(), f"component {component.name}")
        for domain in reversed(self._started_order):
            instance = self.integrations.pop(domain)
            await self._bounded(instance.async_stop(), f"integration {domain}")
        self._started_order.clear()
        tasks = [t for t in self._tasks if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=STOP_TIMEOUT)
        _LOGGER.info("%s stopped", self.name)

    async def _bounded(self, coro: Coroutine[Any, Any, None], what: str) -> None:
        try:
            await asyncio.wait_for(coro, STOP_TIMEOUT)
        except TimeoutError:
            _LOGGER.error("Stopping %s took longer than %.0f s; left behind", what, STOP_TIMEOUT)
        except Exception:
            _LOGGER.exception("Stopping %s failed", what)

    async def reload(self) -> None:
        """Reload every component that can (the rules engine validates first, and keeps the
        running rules when anything is invalid)."""
        for component in self.components:
            if isinstance(component, Reloadable):
                _LOGGER.info("Reloading %s", component.name)
                try:
                    await component.reload()
                except Exception:
                    _LOGGER.exception(
                        "Reloading %s failed; it keeps running as it was", component.name
                    )

    def request_reload(self) -> None:
        if self.running:
            self.create_task(self.reload(), name="reload")

    def request_stop(self) -> None:
        if self._stop_requested is not None:
            self._stop_requested.set()

    async def run_until_stopped(self) -> None:
        """Start, run until SIGINT/SIGTERM (or request_stop), then stop cleanly."""
        self._stop_requested = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, self.request_reload)
        try:
            await self.start()
            await self._stop_requested.wait()
            _LOGGER.info("Stopping %s", self.name)
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                loop.remove_signal_handler(sig)
            await self.stop()
