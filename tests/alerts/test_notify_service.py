"""notify.send refuses targets nobody knows, naming the ones that exist."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.services import ServiceError, ServiceValidationError
from kozani_hub.hub import Hub
from tests.conftest import START

CONFIG = Path(__file__).resolve().parents[1] / "scenarios" / "configs" / "alerts"


@pytest.fixture
async def alert_hub() -> AsyncIterator[Hub]:
    hub = hub_from_config(
        load_hub_config(CONFIG),
        SimulatedClock(START),
        with_integrations=False,
        with_http=False,
        with_recorder=False,
        record_notifications=True,
    )
    await hub.start()
    yield hub
    await hub.stop()


async def test_unknown_targets_are_named(alert_hub: Hub) -> None:
    with pytest.raises(ServiceError, match="unknown group 'plumbers'; the groups are nurses"):
        await alert_hub.services.call("notify", "send", {"target": "group.plumbers", "title": "x"})


async def test_a_title_is_required(alert_hub: Hub) -> None:
    with pytest.raises(ServiceValidationError, match="title"):
        await alert_hub.services.call("notify", "send", {"target": "maria"})
