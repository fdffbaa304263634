"""Entity services of the helpers: `input_boolean.turn_on`, `timer.start`, ... each routed to
the entity objects the call targets."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, TypeVar

from pydantic import BaseModel, ConfigDict

from kozani_hub.core.services import ServiceCall, ServiceError

from .entity import HelperEntity

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

E = TypeVar("E", bound=HelperEntity)
Method = Callable[[E, ServiceCall], Awaitable[None] | None]


class NoData(BaseModel):
    """A service that takes only a target."""

    model_config = ConfigDict(extra="forbid")


def entity_service(
    hub: Hub,
    domain: str,
    service: str,
    kind: type[E],
    method: Method[E],
    *,
    schema: type[BaseModel] = NoData,
    description: str = "",
) -> Callable[[], None]:
    """Register `domain.service` calling `method(entity, call)` on each targeted entity.

    A ValueError from one entity (a value out of range) fails the call with the entity named;
    the other targets are still served. Returns the function that removes the service.
    """

    async def handler(call: ServiceCall) -> None:
        errors: list[str] = []
        for entity in hub.entities.targets(call, kind):
            try:
                result = method(entity, call)
                if inspect.isawaitable(result):
                    await result
            except (ValueError, ServiceError) as err:
                errors.append(f"{entity.entity_id}: {err}")
        if errors:
            raise ServiceError(f"{call.name}: " + "; ".join(errors))

    return hub.services.register(domain, service, handler, schema, description)
