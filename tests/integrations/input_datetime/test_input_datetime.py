"""input_datetime: date, time or both; set_datetime; restore; configuration errors."""

from __future__ import annotations

from datetime import datetime

import pytest

from kozani_hub.core.services import ServiceValidationError
from kozani_hub.hub import Hub
from tests.integrations.helper_base.harness import HelperHubs

CONFIG = """
input_datetime:
  dim_time:
    name: Street lights dim at
    has_time: true
    initial: "00:30:00"
  reopens:
    has_date: true
    has_time: true
  holiday:
    has_date: true
    initial: 2026-04-13
"""


def state_of(hub: Hub, object_id: str) -> tuple[str, dict[str, object]]:
    state = hub.states.get(f"input_datetime.{object_id}")
    assert state is not None
    return state.state, dict(state.attributes)


async def test_states_and_attributes_of_each_kind(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    state, attrs = state_of(hub, "dim_time")
    assert state == "00:30:00"
    assert attrs["hour"] == 0 and attrs["minute"] == 30 and attrs["timestamp"] == 1800
    state, attrs = state_of(hub, "holiday")
    assert state == "2026-04-13"
    assert attrs["timestamp"] == datetime.fromisoformat("2026-04-13T00:00:00+03:00").timestamp()
    state, _ = state_of(hub, "reopens")
    assert state == "2026-01-15 00:00:00"  # today, at midnight


async def test_set_datetime_by_parts_datetime_and_timestamp(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    target = {"entity_id": "input_datetime.reopens"}
    await hub.services.call("input_datetime", "set_datetime", {"date": "2026-02-24"}, target=target)
    assert state_of(hub, "reopens")[0] == "2026-02-24 00:00:00"
    await hub.services.call("input_datetime", "set_datetime", {"time": "07:45"}, target=target)
    assert state_of(hub, "reopens")[0] == "2026-02-24 07:45:00"
    await hub.services.call(
        "input_datetime", "set_datetime", {"datetime": "2026-03-29T01:30:00+00:00"}, target=target
    )
    assert state_of(hub, "reopens")[0] == "2026-03-29 04:30:00"  # summer time in Athens
    stamp = datetime.fromisoformat("2026-06-01T08:00:00+03:00").timestamp()
    await hub.services.call("input_datetime", "set_datetime", {"timestamp": stamp}, target=target)
    assert state_of(hub, "reopens")[0] == "2026-06-01 08:00:00"
    # a time-only entity takes the time of a datetime
    await hub.services.call(
        "input_datetime", "set_datetime", {"datetime": "2026-06-01 23:15:00"},
        target={"entity_id": "input_datetime.dim_time"},
    )
    assert state_of(hub, "dim_time")[0] == "23:15:00"


async def test_set_datetime_needs_one_way_of_saying_it(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG, recorder=False)
    target = {"entity_id": "input_datetime.reopens"}
    with pytest.raises(ServiceValidationError, match="give date, time, datetime or timestamp"):
        await hub.services.call("input_datetime", "set_datetime", {}, target=target)
    with pytest.raises(ServiceValidationError, match="give only one of"):
        await hub.services.call(
            "input_datetime", "set_datetime", {"timestamp": 0, "date": "2026-01-01"}, target=target
        )


async def test_restored_after_restart(hubs: HelperHubs) -> None:
    hub = await hubs.start(CONFIG)
    await hub.services.call(
        "input_datetime", "set_datetime", {"datetime": "2026-02-24 08:10:00"},
        target={"entity_id": "input_datetime.reopens"},
    )
    hub = await hubs.restart(hub, downtime=86_400 * 3)
    assert state_of(hub, "reopens")[0] == "2026-02-24 08:10:00"


def test_bad_configuration_is_reported(hubs: HelperHubs) -> None:
    problems = hubs.problems(
        """
input_datetime:
  neither:
    name: Nothing to hold
  bad_time:
    has_time: true
    initial: "25:99"
  unquoted:
    has_time: true
    initial: 7:30
"""
    )
    assert hubs.problem_at(problems, "neither:", "needs has_date: true, has_time: true"), problems
    assert hubs.problem_at(problems, "25:99", "expected a time such as '07:30:00'"), problems
    assert hubs.problem_at(problems, "initial: 7:30", "write \"07:30:00\""), problems
