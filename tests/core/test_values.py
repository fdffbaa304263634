"""The core's value objects (State, Event, Context, ServiceCall) stay frozen dataclasses whose
constructor takes and keeps every field, by position and by keyword; the fast builders the
hot path uses make exactly the same objects."""

from __future__ import annotations

import dataclasses
import inspect
from datetime import UTC, datetime
from types import MappingProxyType
from typing import Any

import pytest

from kozani_hub.core import services as services_module
from kozani_hub.core.context import Context, build_context, new_context
from kozani_hub.core.events import Event, build_event
from kozani_hub.core.services import ServiceCall
from kozani_hub.core.states import State, build_state

WHEN = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
CAUSE = Context("c1", "p1", "device", "maria")
VALUES: dict[type, dict[str, Any]] = {
    State: {
        "entity_id": "sensor.tank_level",
        "state": "1.2",
        "attributes": MappingProxyType({"unit_of_measurement": "m"}),
        "last_changed": WHEN,
        "last_updated": WHEN,
        "context": CAUSE,
    },
    Event: {
        "event_type": "sos_pressed",
        "data": {"resident": "r12"},
        "time_fired": WHEN,
        "context": CAUSE,
    },
    Context: {"id": "c2", "parent_id": "c1", "origin": "rule", "user": "maria"},
    ServiceCall: {
        "domain": "light",
        "service": "turn_on",
        "data": {"brightness": 128},
        "entity_ids": ("light.dimokratias_01",),
        "context": CAUSE,
        "model": None,
    },
}


@pytest.mark.parametrize("cls", list(VALUES))
def test_every_field_is_taken_by_position_and_by_keyword(cls: type) -> None:
    names = [f.name for f in dataclasses.fields(cls)]
    assert list(inspect.signature(cls).parameters) == names
    values = VALUES[cls]
    for made in (cls(**values), cls(*values.values())):
        assert {name: getattr(made, name) for name in names} == values
        assert made == cls(**values)
        assert dataclasses.replace(made) == made
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(made, names[0], None)


def test_a_context_not_given_is_a_new_one() -> None:
    first, second = State("sensor.a", "1"), State("sensor.a", "1")
    assert first.context.id != second.context.id
    assert len(Context().id) == 24
    assert Event("x").context.parent_id is None
    assert ServiceCall("light", "turn_on").context.origin == "local"
    assert State("sensor.a", "1").attributes == {}


@pytest.mark.parametrize(
    ("build", "cls"),
    [
        (build_state, State),
        (build_event, Event),
        (build_context, Context),
        (services_module._build_call, ServiceCall),
    ],
)
def test_the_fast_builders_make_the_same_frozen_objects(build: Any, cls: type) -> None:
    values = VALUES[cls]
    made = build(*values.values())
    assert type(made) is cls
    assert made == cls(**values)
    assert repr(made) == repr(cls(**values))
    assert [getattr(made, name) for name in values] == list(values.values())
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, dataclasses.fields(cls)[0].name, None)
    if cls is Context:  # the others hold mappings, which cannot be hashed
        assert hash(made) == hash(cls(**values))


def test_a_new_context_has_a_new_id_and_no_parent() -> None:
    first, second = new_context(), new_context()
    assert first.id != second.id
    assert (first.parent_id, first.origin, first.user) == (None, "local", None)
    child = first.child()
    assert (child.parent_id, child.origin) == (first.id, "rule")
