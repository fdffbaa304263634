"""The traces of the rules that ran since the previous expect, as a technician reads them."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


class TraceWatch:
    """Remembers which rule runs were already shown, so a failure shows only the new ones."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def attach(self, hub: Hub) -> None:
        self._seen = set()

    def mark(self, hub: Hub) -> None:
        """Everything that ran until now was checked by an expect."""

    def since_mark(self, hub: Hub) -> list[str]:
        return []
