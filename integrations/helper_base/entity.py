"""The helper entity: its value lives in the hub, so after a restart it comes back from the
recorder's saved state (or from its configured `initial`, or a default)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from kozani_hub.core.context import Context
from kozani_hub.core.states import STATE_UNAVAILABLE, State, state_to_str
from kozani_hub.entities import Entity


class HelperEntity(Entity):
    """A helper entity (input_boolean, timer, counter, ...).

    Subclasses say how to take back a saved state (`take_saved`) and what their default is
    (`take_default`). An entity that should be restored starts `unknown`: the recorder hands
    it its saved state through `restore_state`; `finish_restore` then gives the ones that got
    nothing their default.
    """

    def __init__(
        self,
        entity_id: str,
        *,
        name: str | None = None,
        icon: str | None = None,
        attributes: Mapping[str, Any] | None = None,
        restore: bool = True,
    ) -> None:
        attrs = dict(attributes or {})
        if icon:
            attrs["icon"] = icon
        super().__init__(entity_id, name=name, attributes=attrs)
        self.restore = restore
        self.settled = not restore

    def take_saved(self, state: State) -> bool:
        """Take the value of a state saved before a restart; False when it cannot be used."""
        return False

    def take_default(self) -> None:
        """Take the value an entity has when nothing was saved."""

    def will_remove(self) -> None:
        """The entity is about to leave the hub: cancel its timers and listeners."""

    def adopt(self, state: State) -> None:
        """Take a state already set for this entity's id as its value, if it can be read."""
        if self.take_saved(state):
            self.settled = True

    def restore_state(self, state: State) -> None:
        """The recorder's hook: the state this entity had when the hub last stopped."""
        if self.settled or not self.restore or not self.take_saved(state):
            return
        self.settled = True
        self.write_restored(state)

    def finish_restore(self) -> None:
        """After the recorder restored what it had: entities that got nothing take their default."""
        if not self.settled:
            self.settled = True
            self.take_default()
            self.write_state()

    def write_restored(self, saved: State) -> None:
        """Publish the restored value; unchanged, it keeps its saved timestamps."""
        state = state_to_str(self.state_value if self.available else STATE_UNAVAILABLE)
        context = Context(origin="restore")
        if state != saved.state:
            self.write_state(context)
            return
        self.hub.states.restore(
            State(
                self.entity_id,
                state,
                MappingProxyType(self.attributes()),
                saved.last_changed,
                saved.last_updated,
                context,
            )
        )
