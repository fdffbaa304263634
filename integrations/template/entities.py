"""Template sensors and binary sensors: states computed from other states by templates."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from integrations.helper_base.schema import slugify
from integrations.helper_base.tracking import Results, TemplateGroup
from kozani_hub.automation.durations import parse_duration
from kozani_hub.core.clock import Timer
from kozani_hub.core.states import MAX_STATE_LENGTH, STATE_OFF, STATE_ON
from kozani_hub.entities import Entity
from kozani_hub.templates import RenderInfo, Template, TemplateError

from .schema import TemplateBinarySensorConfig, TemplateEntityConfig, TemplateSensorConfig

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

_LOGGER = logging.getLogger(__name__)
_TRUE = frozenset({"1", "true", "yes", "on", "enable"})
_ATTR = "attribute:"


def result_as_boolean(value: Any) -> bool:
    """A template's result read as on/off, as Home Assistant reads it."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in _TRUE
    return False


class TemplateEntity(Entity):
    """An entity whose state, availability, icon and attributes are templates."""

    def __init__(self, hub: Hub, config: TemplateEntityConfig) -> None:
        static: dict[str, Any] = {}
        if config.device_class:
            static["device_class"] = config.device_class
        super().__init__(
            f"{self.domain}.{slugify(config.name)}", name=config.name, attributes=static
        )
        templates = {"state": config.state}
        if config.availability is not None:
            templates["availability"] = config.availability
        if config.icon is not None:
            templates["icon"] = config.icon
        templates.update({_ATTR + key: text for key, text in config.attributes.items()})
        compiled = {name: hub.templates.compile(text) for name, text in templates.items()}
        self._group = TemplateGroup(
            hub,
            compiled,
            self._take,
            own_entity=self.entity_id,
            as_text=frozenset({"state"}),
            variables=self._variables,
        )
        self._rendered: dict[str, Any] = {}
        self._errors: dict[str, str] = {}

    def start(self) -> None:
        self._group.start()

    def stop(self) -> None:
        self._group.stop()

    def _variables(self) -> dict[str, Any]:
        return {"this": self.hub.states.get(self.entity_id)}

    def _take(self, results: Results) -> None:
        available = results.get("availability")
        self.available = (
            available is None or available.error is not None or result_as_boolean(available.result)
        )
        attrs: dict[str, Any] = {}
        for name, info in results.items():
            self._note_error(name, info)
            if name.startswith(_ATTR):
                attrs[name.removeprefix(_ATTR)] = None if info.error else info.result
        icon = results.get("icon")
        if icon is not None and icon.error is None and icon.result:
            attrs["icon"] = str(icon.result)
        self._rendered = attrs
        state = results["state"]
        if state.error is not None:
            self.available = False
        self.take_state(state)
        self.write_state()

    def _note_error(self, name: str, info: RenderInfo) -> None:
        """Log a template's error once, until it renders again."""
        if info.error is None:
            self._errors.pop(name, None)
        elif self._errors.get(name) != str(info.error):
            self._errors[name] = str(info.error)
            _LOGGER.warning("%s: the %s template failed: %s", self.entity_id, name, info.error)

    def take_state(self, info: RenderInfo) -> None:
        """Take the rendered state (text)."""

    def state_attributes(self) -> dict[str, Any]:
        return dict(self._rendered)


class TemplateSensor(TemplateEntity):
    domain = "sensor"

    def __init__(self, hub: Hub, config: TemplateSensorConfig) -> None:
        super().__init__(hub, config)
        if config.unit_of_measurement:
            self.static_attributes["unit_of_measurement"] = config.unit_of_measurement
        if config.state_class:
            self.static_attributes["state_class"] = config.state_class
        self.value: str | None = None

    @property
    def state_value(self) -> object:
        return self.value

    def take_state(self, info: RenderInfo) -> None:
        text = "" if info.error is not None else str(info.result)
        self.value = text[:MAX_STATE_LENGTH] if text and text != "None" else None


class TemplateBinarySensor(TemplateEntity):
    """On/off from a template; `delay_on`/`delay_off` hold a change back until it has lasted."""

    domain = "binary_sensor"

    def __init__(self, hub: Hub, config: TemplateBinarySensorConfig) -> None:
        super().__init__(hub, config)
        self._delays = {
            True: self._delay_template(hub, config.delay_on),
            False: self._delay_template(hub, config.delay_off),
        }
        self.is_on: bool | None = None
        self._pending: Timer | None = None

    @staticmethod
    def _delay_template(hub: Hub, delay: timedelta | str | None) -> timedelta | Template | None:
        return hub.templates.compile(delay) if isinstance(delay, str) else delay

    @property
    def state_value(self) -> object:
        if self.is_on is None:
            return None
        return STATE_ON if self.is_on else STATE_OFF

    def stop(self) -> None:
        self._cancel_pending()
        super().stop()

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def take_state(self, info: RenderInfo) -> None:
        self._cancel_pending()
        if info.error is not None:
            return
        wanted = result_as_boolean(info.result)
        if wanted == self.is_on:
            return
        # The first value after start is taken at once: there is no earlier value to hold.
        delay = self._delay(wanted) if self.is_on is not None else None
        if not delay:
            self.is_on = wanted
            return
        self._pending = self.hub.clock.call_later(delay.total_seconds(), lambda: self._hold(wanted))

    def _delay(self, wanted: bool) -> timedelta | None:
        delay = self._delays[wanted]
        if not isinstance(delay, Template):
            return delay
        try:
            return parse_duration(delay.render())
        except (TemplateError, ValueError) as err:
            _LOGGER.warning("%s: delay_%s failed (%s); no delay", self.entity_id,
                            "on" if wanted else "off", err)
            return None

    def _hold(self, wanted: bool) -> None:
        self._pending = None
        self.is_on = wanted
        self.write_state()
