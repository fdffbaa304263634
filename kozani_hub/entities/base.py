"""The Entity base class: an id, a state, attributes, and availability."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from kozani_hub.core.context import Context
from kozani_hub.core.states import STATE_UNAVAILABLE, State

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class Entity:
    """Something with a state: a lamp, a pump, a tank level, a resident's door sensor.

    Subclasses say what their state is (`state_value`) and which attributes they report;
    `write_state()` publishes both to the state machine. An entity whose device stops
    answering sets `available = False` and shows `unavailable`.
    """

    domain: ClassVar[str] = ""

    def __init__(
        self,
        entity_id: str,
        *,
        name: str | None = None,
        attributes: Mapping[str, Any] | None = None,
    ) -> None:
        if self.domain and not entity_id.startswith(self.domain + "."):
            raise ValueError(
                f"{type(self).__name__} ids start with '{self.domain}.', got {entity_id!r}"
            )
        self.entity_id = entity_id
        self.name = name
        self.static_attributes: dict[str, Any] = dict(attributes or {})
        self.available = True
        self._hub: Hub | None = None

    @property
    def hub(self) -> Hub:
        if self._hub is None:
            raise RuntimeError(f"{self.entity_id} is not added to a hub yet")
        return self._hub

    def attach(self, hub: Hub) -> None:
        self._hub = hub

    def detach(self) -> None:
        self._hub = None

    @property
    def state_value(self) -> object:
        """The state to publish (None shows as 'unknown')."""
        return None

    def state_attributes(self) -> dict[str, Any]:
        """Attributes that change with the state (brightness, ...)."""
        return {}

    def attributes(self) -> dict[str, Any]:
        attrs = dict(self.static_attributes)
        if self.name:
            attrs["friendly_name"] = self.name
        attrs.update(self.state_attributes())
        return attrs

    def write_state(self, context: Context | None = None, *, force_update: bool = False) -> State:
        """Publish the entity's current state and attributes."""
        state: object = self.state_value if self.available else STATE_UNAVAILABLE
        return self.hub.states.set(
            self.entity_id, state, self.attributes(), context, force_update=force_update
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.entity_id}>"
