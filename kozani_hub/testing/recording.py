"""What happened during a scenario: the service calls and events, as they were made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from kozani_hub.core.context import Context
from kozani_hub.core.events import EVENT_SERVICE_CALLED, MATCH_ALL, Event, Unsubscribe

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One service call as its handler received it."""

    when: datetime
    domain: str
    service: str
    data: Mapping[str, Any]
    entity_ids: tuple[str, ...]
    context: Context
    by_scenario: bool = False

    @property
    def action(self) -> str:
        return f"{self.domain}.{self.service}"

    def as_dict(self) -> dict[str, Any]:
        """The form an expected call is matched against."""
        out: dict[str, Any] = {"action": self.action, "service": self.action}
        out["target"] = {"entity_id": list(self.entity_ids)}
        out["data"] = dict(self.data)
        return out


@dataclass(slots=True)
class Recorder:
    """Listens on a hub's bus and keeps the calls and events since it was last cleared."""

    calls: list[RecordedCall] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    _own: set[str] = field(default_factory=set)
    _unsubscribe: list[Unsubscribe] = field(default_factory=list)

    def attach(self, hub: Hub) -> None:
        """Start listening on `hub` (again after a restart: on the new hub)."""
        self.detach()
        self._unsubscribe = [
            hub.bus.listen(EVENT_SERVICE_CALLED, self._on_call),
            hub.bus.listen(MATCH_ALL, self.events.append),
        ]

    def detach(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def mark_own(self, context: Context) -> None:
        """Calls made with `context` are the scenario's own (`call:` steps), not a rule's."""
        self._own.add(context.id)

    def clear(self) -> None:
        self.calls.clear()
        self.events.clear()

    def _on_call(self, event: Event) -> None:
        data = event.data
        self.calls.append(
            RecordedCall(
                when=event.time_fired or datetime.min,
                domain=str(data.get("domain")),
                service=str(data.get("service")),
                data=dict(data.get("service_data") or {}),
                entity_ids=tuple(data.get("entity_ids") or ()),
                context=event.context,
                by_scenario=event.context.id in self._own,
            )
        )
