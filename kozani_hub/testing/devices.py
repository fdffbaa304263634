"""Devices as a scenario simulates them: light and switch services answer as a lamp or a relay
would, by reporting the new state; number setpoints are written back the same way."""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from kozani_hub.core.services import (
    Service,
    ServiceCall,
    ServiceError,
    ServiceNotFound,
    ServiceRegistry,
)
from kozani_hub.core.states import STATE_OFF, STATE_ON
from kozani_hub.entities.light import brightness_from

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

FULL_BRIGHTNESS = 255


class SimulatedDevices:
    """Registers the device services of a scenario hub over the ones that need real devices."""

    def __init__(self, hub: Hub, on_report: Callable[[str], None] | None = None) -> None:
        self._hub = hub
        self._on_report = on_report

    def install(self) -> None:
        """Replace light.*, switch.* and number.set_value with their simulated selves."""
        for domain, service, handler in (
            ("light", "turn_on", self._light_on),
            ("light", "turn_off", self._light_off),
            ("light", "toggle", self._light_toggle),
            ("switch", "turn_on", self._switch(STATE_ON)),
            ("switch", "turn_off", self._switch(STATE_OFF)),
            ("switch", "toggle", self._switch(None)),
            ("number", "set_value", self._number_set),
        ):
            schema = None
            if self._hub.services.has(domain, service):
                schema = self._hub.services.lookup(domain, service).schema
            self._hub.services.register(domain, service, handler, schema, "simulated device")
        UnprovidedServices(self._hub.services).install()

    def _report(self, call: ServiceCall, entity_id: str, state: str, attrs: dict[str, Any]) -> None:
        self._hub.states.set(entity_id, state, attrs, call.context)
        if self._on_report is not None:
            self._on_report(entity_id)

    def _attributes(self, entity_id: str) -> dict[str, Any]:
        current = self._hub.states.get(entity_id)
        return dict(current.attributes) if current is not None else {}

    def _targets(self, call: ServiceCall) -> tuple[str, ...]:
        if not call.entity_ids:
            raise ServiceError(f"{call.name} needs a target entity_id")
        return call.entity_ids

    def _light_on(self, call: ServiceCall) -> None:
        for entity_id in self._targets(call):
            self._turn_light_on(call, entity_id)

    def _turn_light_on(self, call: ServiceCall, entity_id: str) -> None:
        attrs = self._attributes(entity_id)
        brightness = brightness_from(call.data)
        if brightness is not None:
            attrs["brightness"] = brightness
        elif attrs.get("brightness") is None:
            attrs["brightness"] = FULL_BRIGHTNESS
        self._report(call, entity_id, STATE_ON, attrs)

    def _light_off(self, call: ServiceCall) -> None:
        for entity_id in self._targets(call):
            self._turn_light_off(call, entity_id)

    def _turn_light_off(self, call: ServiceCall, entity_id: str) -> None:
        attrs = self._attributes(entity_id)
        attrs["brightness"] = None
        self._report(call, entity_id, STATE_OFF, attrs)

    def _light_toggle(self, call: ServiceCall) -> None:
        for entity_id in self._targets(call):
            current = self._hub.states.get(entity_id)
            if current is not None and current.state == STATE_ON:
                self._turn_light_off(call, entity_id)
            else:
                self._turn_light_on(call, entity_id)

    def _switch(self, target: str | None) -> Callable[[ServiceCall], None]:
        def handler(call: ServiceCall) -> None:
            for entity_id in self._targets(call):
                state = target
                if state is None:
                    current = self._hub.states.get(entity_id)
                    on = current is not None and current.state == STATE_ON
                    state = STATE_OFF if on else STATE_ON
                self._report(call, entity_id, state, self._attributes(entity_id))

        return handler

    def _number_set(self, call: ServiceCall) -> None:
        value = call.data["value"]
        for entity_id in self._targets(call):
            self._report(call, entity_id, str(value), self._attributes(entity_id))


class UnprovidedServices:
    """Calls to services of a domain nothing in the scenario's hub provides are recorded and
    answered with nothing, as the devices of an integration that is not started would be.

    A misspelled service of a domain the hub does provide (`light.turn_onn`) still fails.
    """

    def __init__(self, registry: ServiceRegistry) -> None:
        self._registry = registry
        self._lookup = registry.lookup
        self._stand_in = Service(_answer_nothing, None, "recorded: not started in a scenario")

    def install(self) -> None:
        # The registry offers no hook for unknown services; its lookup is wrapped for this hub.
        self._registry.lookup = self.lookup  # type: ignore[method-assign]

    def lookup(self, domain: str, service: str) -> Service:
        try:
            return self._lookup(domain, service)
        except ServiceNotFound:
            if any(name.startswith(domain + ".") for name in self._registry.names()):
                raise
            return self._stand_in


def _answer_nothing(call: ServiceCall) -> None:
    return None


class ScriptedServices:
    """Device services that answer as the scenario says: with a response, or with an error."""

    def __init__(self, hub: Hub, responses: Mapping[str, Any], failures: Mapping[str, str]):
        self._hub = hub
        self._responses = responses
        self._failures = failures

    def install(self) -> None:
        for name in {*self._responses, *self._failures}:
            domain, service = name.split(".")
            self._hub.services.register(domain, service, self._answer, None, "scripted device")

    def _answer(self, call: ServiceCall) -> Any:
        failure = self._failures.get(call.name)
        if failure is not None:
            raise ServiceError(f"{call.name}: {failure}")
        return copy.deepcopy(self._responses.get(call.name))
