"""The integration contract (DESIGN §5) and how integrations are found and ordered.

An integration is a module registered under the entry-point group `kozani_hub.integrations`
(built-in ones are declared in our own pyproject, exactly as a third-party package would). It
exports:

    DOMAIN: str                          # its YAML section and service domain
    CONFIG_SCHEMA: type[pydantic.BaseModel]   # validates that section
    DEPENDENCIES: tuple[str, ...] = ()   # integrations that must be set up first (optional)
    async def async_setup(hub, config) -> IntegrationInstance

and the returned instance has `async def async_stop()`.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib.metadata import entry_points
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, cast

from pydantic import BaseModel

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

ENTRY_POINT_GROUP = "kozani_hub.integrations"


class IntegrationInstance(Protocol):
    async def async_stop(self) -> None: ...


class IntegrationError(Exception):
    """An integration that cannot be found, loaded or ordered."""


@dataclass(frozen=True, slots=True)
class Integration:
    """A loaded integration module, checked against the contract."""

    domain: str
    module: ModuleType
    schema: type[BaseModel]
    dependencies: tuple[str, ...]

    @property
    def setup(self) -> Callable[[Hub, Any], Awaitable[IntegrationInstance]]:
        return cast(Callable[["Hub", Any], Awaitable[IntegrationInstance]], self.module.async_setup)


def available() -> dict[str, str]:
    """Domain → module path of every registered integration."""
    return {ep.name: ep.value for ep in entry_points(group=ENTRY_POINT_GROUP)}


def load(domain: str, registry: Mapping[str, str] | None = None) -> Integration:
    """Import an integration and check it keeps the contract."""
    known = available() if registry is None else registry
    if domain not in known:
        names = ", ".join(sorted(known)) or "none"
        raise IntegrationError(f"no integration named '{domain}' is installed (installed: {names})")
    try:
        module = importlib.import_module(known[domain].partition(":")[0])
    except Exception as err:
        raise IntegrationError(f"integration '{domain}' failed to import: {err}") from err
    missing = [n for n in ("DOMAIN", "CONFIG_SCHEMA", "async_setup") if not hasattr(module, n)]
    if missing:
        raise IntegrationError(f"integration '{domain}' lacks {', '.join(missing)}")
    if domain != module.DOMAIN:
        raise IntegrationError(f"integration '{domain}' declares DOMAIN = {module.DOMAIN!r}")
    return Integration(
        domain, module, module.CONFIG_SCHEMA, tuple(getattr(module, "DEPENDENCIES", ()))
    )


def setup_order(integrations: Iterable[Integration]) -> list[Integration]:
    """Order integrations so that each comes after its dependencies (stable otherwise)."""
    by_domain = {i.domain: i for i in integrations}
    ordered: list[Integration] = []
    state: dict[str, str] = {}

    def visit(domain: str, chain: tuple[str, ...]) -> None:
        if state.get(domain) == "done":
            return
        if state.get(domain) == "visiting":
            raise IntegrationError("dependency cycle: " + " -> ".join((*chain, domain)))
        integration = by_domain.get(domain)
        if integration is None:
            raise IntegrationError(
                f"integration '{chain[-1]}' depends on '{domain}', which is not configured"
            )
        state[domain] = "visiting"
        for dep in integration.dependencies:
            visit(dep, (*chain, domain))
        state[domain] = "done"
        ordered.append(integration)

    for domain in by_domain:
        visit(domain, ())
    return ordered
