"""The service registry: `domain.service` → handler, with data validated against a schema."""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from pydantic import BaseModel, ValidationError

from .context import Context, new_context
from .events import EVENT_SERVICE_CALLED, EventBus

_EMPTY: Mapping[str, Any] = MappingProxyType({})


class ServiceError(Exception):
    """A service call that could not be made."""


class ServiceNotFound(ServiceError):
    def __init__(self, domain: str, service: str, known: Iterable[str]) -> None:
        name = f"{domain}.{service}"
        close = difflib.get_close_matches(name, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        super().__init__(f"unknown service {name}{hint}")
        self.domain = domain
        self.service = service


class ServiceValidationError(ServiceError):
    def __init__(self, name: str, problems: list[str]) -> None:
        super().__init__(f"invalid data for {name}: " + "; ".join(problems))
        self.problems = problems


@dataclass(frozen=True, slots=True)
class ServiceCall:
    """One call of a service: its validated data and the entities it targets."""

    domain: str
    service: str
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    entity_ids: tuple[str, ...] = ()
    context: Context = field(default_factory=Context)
    model: BaseModel | None = None

    def __init__(  # noqa: PLR0917 (the dataclass's own signature)
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] = _EMPTY,
        entity_ids: tuple[str, ...] = (),
        context: Context | None = None,
        model: BaseModel | None = None,
    ) -> None:
        # The slots' own setters, twice as fast as a frozen dataclass's object.__setattr__.
        _set_domain(self, domain)
        _set_service(self, service)
        _set_data(self, data)
        _set_entity_ids(self, entity_ids)
        _set_context(self, context if context is not None else Context())
        _set_model(self, model)

    @property
    def name(self) -> str:
        return f"{self.domain}.{self.service}"


_set_domain = ServiceCall.__dict__["domain"].__set__
_set_service = ServiceCall.__dict__["service"].__set__
_set_data = ServiceCall.__dict__["data"].__set__
_set_entity_ids = ServiceCall.__dict__["entity_ids"].__set__
_set_context = ServiceCall.__dict__["context"].__set__
_set_model = ServiceCall.__dict__["model"].__set__


class _CallSlots:
    """A ServiceCall's fields as plain slots: see `_build_call`."""

    __slots__ = ServiceCall.__slots__


def _build_call(  # noqa: PLR0917 (ServiceCall's own fields, in order)
    domain: str,
    service: str,
    data: Mapping[str, Any],
    entity_ids: tuple[str, ...],
    context: Context,
    model: BaseModel | None,
) -> ServiceCall:
    """`ServiceCall(...)` with every field given, built as `build_context` builds a Context."""
    new: Any = _CallSlots()
    new.domain = domain
    new.service = service
    new.data = data
    new.entity_ids = entity_ids
    new.context = context
    new.model = model
    new.__class__ = ServiceCall
    call: ServiceCall = new
    return call


Handler = Callable[[ServiceCall], Awaitable[Any] | Any]


@dataclass(frozen=True, slots=True)
class Service:
    handler: Handler
    schema: type[BaseModel] | None
    description: str = ""


def _describe(errors: ValidationError) -> list[str]:
    problems = []
    for err in errors.errors():
        where = ".".join(str(p) for p in err["loc"]) or "data"
        if err["type"] == "extra_forbidden":
            problems.append(f"unexpected key '{where}'")
        elif err["type"] == "missing":
            problems.append(f"missing required key '{where}'")
        else:
            problems.append(f"{where}: {err['msg'].lower()}, found {err.get('input')!r}")
    return problems


def entity_ids_of(target: Mapping[str, Any] | None, data: Mapping[str, Any]) -> tuple[str, ...]:
    """The entity ids a call targets, from `target:` or from `entity_id` in its data."""
    raw: Any = None
    if target:
        raw = target.get("entity_id")
    if raw is None:
        raw = data.get("entity_id")
    if raw is None:
        return ()
    if isinstance(raw, str):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    return tuple(str(x) for x in raw)


class ServiceRegistry:
    """Registered services and the calls into them."""

    def __init__(self, bus: EventBus) -> None:
        self._bus = bus
        self._services: dict[str, dict[str, Service]] = {}

    def register(
        self,
        domain: str,
        service: str,
        handler: Handler,
        schema: type[BaseModel] | None = None,
        description: str = "",
    ) -> Callable[[], None]:
        """Register a handler; returns the function that removes it again."""
        entry = Service(handler, schema, description)
        self._services.setdefault(domain, {})[service] = entry

        def remove() -> None:
            services = self._services.get(domain)
            if services is not None and services.get(service) is entry:
                del services[service]
                if not services:
                    del self._services[domain]

        return remove

    def has(self, domain: str, service: str) -> bool:
        return service in self._services.get(domain, {})

    def lookup(self, domain: str, service: str) -> Service:
        try:
            return self._services[domain][service]
        except KeyError:
            raise ServiceNotFound(domain, service, self.names()) from None

    def names(self) -> list[str]:
        return sorted(f"{d}.{s}" for d, services in self._services.items() for s in services)

    def describe(self) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for domain, services in sorted(self._services.items()):
            for name, svc in sorted(services.items()):
                schema = svc.schema.model_json_schema() if svc.schema else {}
                out.setdefault(domain, {})[name] = {
                    "description": svc.description,
                    "fields": schema,
                }
        return out

    def prepare(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        target: Mapping[str, Any] | None = None,
        context: Context | None = None,
    ) -> tuple[Service, ServiceCall]:
        """Look up and validate a call without running it."""
        svc = self.lookup(domain, service)
        payload: Mapping[str, Any] = data if data is not None else _EMPTY
        entity_ids: tuple[str, ...] = ()
        if target or "entity_id" in payload:
            entity_ids = entity_ids_of(target, payload)
        if "entity_id" in payload:
            payload = {k: v for k, v in payload.items() if k != "entity_id"}
        model: BaseModel | None = None
        if svc.schema is not None:
            try:
                model = svc.schema.model_validate(dict(payload))
            except ValidationError as err:
                raise ServiceValidationError(f"{domain}.{service}", _describe(err)) from None
            payload = model.model_dump(exclude_unset=True)
        call = _build_call(domain, service, payload, entity_ids, context or new_context(), model)
        return svc, call

    async def call(
        self,
        domain: str,
        service: str,
        data: Mapping[str, Any] | None = None,
        target: Mapping[str, Any] | None = None,
        context: Context | None = None,
    ) -> Any:
        """Validate and run a service call; returns the handler's response (or None)."""
        svc, call = self.prepare(domain, service, data, target, context)
        if self._bus.wants(EVENT_SERVICE_CALLED, call.context.origin):
            self._bus.fire(
                EVENT_SERVICE_CALLED,
                {
                    "domain": domain,
                    "service": service,
                    "service_data": dict(call.data),
                    "entity_ids": list(call.entity_ids),
                },
                call.context,
            )
        result = svc.handler(call)
        if result is not None and inspect.isawaitable(result):
            result = await result
        return result
