"""`action: light.turn_on` (legacy `service:`) — call a service with a target and data."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import Field

from kozani_hub.config.marked import Mark
from kozani_hub.templates import is_template_string

from ..fields import EntityIds
from ..problems import Invalid, mark_of, show
from ..values import Static, Value
from .base import Scope, Step, StepConfig

if TYPE_CHECKING:
    from kozani_hub.templates import Template

    from ..compiler import Compiler
    from ..run import Run

_SERVICE = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")
_TARGET_KEYS = ("entity_id", "device_id", "area_id", "floor_id", "label_id")


class ServiceStepConfig(StepConfig):
    label = "service call"
    action: str = Field(description="a service such as light.turn_on")
    target: dict[str, Any] | str | None = Field(
        None, description="the entities to act on: {entity_id: ...}"
    )
    data: dict[str, Any] | str | None = Field(
        None, description="the service data; templates allowed anywhere"
    )
    entity_id: EntityIds | None = None
    response_variable: str | None = Field(
        None, description="a variable to hold the service's response"
    )


class ServiceStep(Step):
    kind = "service call"
    Config = ServiceStepConfig
    __slots__ = ("data", "domain", "name_template", "response_variable", "service", "target")

    def __init__(
        self,
        path: str,
        config: StepConfig,
        *,
        name: tuple[str, str] | Template,
        target: Value | None,
        data: Value | None,
        response_variable: str | None,
    ) -> None:
        super().__init__(path, config)
        if isinstance(name, tuple):
            self.domain, self.service = name
            self.name_template: Template | None = None
        else:
            self.domain = self.service = ""
            self.name_template = name
        self.target = target
        self.data = data
        self.response_variable = response_variable

    @classmethod
    def build(
        cls, path: str, config: Any, compiler: Compiler, data: Mapping[str, Any], mark: Mark
    ) -> Step:
        cfg: ServiceStepConfig = config
        where = mark_of(data, "action", mark)
        name: tuple[str, str] | Template
        if is_template_string(cfg.action):
            name = compiler.template(cfg.action, where, "service name")
        else:
            text = cfg.action.strip().lower()
            if not _SERVICE.match(text):
                raise Invalid(where, f"'action' must name a service as domain.service, such as "
                              f"light.turn_on, got {show(cfg.action)}")
            domain, _, service = text.partition(".")
            name = (compiler.text(domain), compiler.text(service))
        target_data: Any = data.get("target")
        if cfg.entity_id is not None:
            if isinstance(target_data, str):
                raise Invalid(mark, "give the entities in 'target:' or in 'entity_id:', not both")
            target_data = {**(target_data or {}), "entity_id": cfg.entity_id}
        if isinstance(target_data, dict):
            unknown = [k for k in target_data if k not in _TARGET_KEYS]
            if unknown:
                raise Invalid(mark_of(data, "target", mark), f"unknown key '{unknown[0]}' in "
                              f"target; a target takes {', '.join(_TARGET_KEYS)}")
        target = None
        if target_data is not None:
            target = compiler.value(target_data, mark_of(data, "target", mark), "target")
        values = None
        if cfg.data is not None:
            values = compiler.value(data["data"], mark_of(data, "data", mark), "data")
        response = compiler.text(cfg.response_variable) if cfg.response_variable else None
        return cls(path, cfg, name=name, target=target, data=values, response_variable=response)

    async def run(self, run: Run, scope: Scope) -> None:
        variables = scope.vars
        env = run.env
        started = env.clock.now()
        if self.name_template is None:
            domain, service = self.domain, self.service
        else:
            domain, service = _service_name(self.name_template.render(variables))
        data = self.data
        payload = None if data is None else (
            data.value if type(data) is Static else _mapping(data.render(variables), "data")
        )
        target = self.target
        where = None if target is None else (
            target.value if type(target) is Static else _mapping(target.render(variables),
                                                                 "target")
        )
        response = await env.services.call(domain, service, payload, where, run.context)
        result: dict[str, Any] = {"action": f"{domain}.{service}"}
        if where:
            result["target"] = where
        if payload:
            result["data"] = payload
        run.trace.step(self.path, started, result)
        if self.response_variable is not None:
            scope.set(self.response_variable, response)


def _service_name(value: Any) -> tuple[str, str]:
    text = str(value).strip().lower()
    if not _SERVICE.match(text):
        raise ValueError(f"the service name rendered to {value!r}, not domain.service")
    domain, _, service = text.partition(".")
    return domain, service


def _mapping(value: Any, what: str) -> Mapping[str, Any] | None:
    if value is None or isinstance(value, Mapping):
        return value
    if isinstance(value, str) and not value.strip():
        return None
    raise ValueError(f"'{what}' must render to a mapping, got {value!r}")
