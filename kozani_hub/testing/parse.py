"""Read a scenario file into a validated Scenario; every mistake is `FILE:LINE: message`."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any

from kozani_hub.automation.durations import parse_duration
from kozani_hub.config.errors import ConfigError
from kozani_hub.config.loader import load_yaml
from kozani_hub.core.states import state_to_str, valid_entity_id

from .expectations import Expectation, expectation_parsers
from .expectations.base import fail, item_where, key_where, unknown_key, where_of
from .model import (
    AfterStep,
    AtStep,
    CallStep,
    EventStep,
    ExpectStep,
    InitialState,
    RestartStep,
    Scenario,
    SetStep,
    Step,
    WebhookStep,
    Where,
)
from .render import to_plain
from .timeparse import parse_instant

TOP_KEYS = ("name", "description", "config", "start", "states", "responses", "failures", "steps")
SET_KEYS = ("entity_id", "state", "attributes")
EVENT_KEYS = ("event_type", "data")
CALL_KEYS = ("action", "service", "target", "data", "entity_id")
WEBHOOK_KEYS = ("webhook_id", "json", "method")
WEBHOOK_METHODS = ("POST", "PUT", "GET", "HEAD")
_ANY_DAY = datetime(2026, 1, 1, tzinfo=UTC)  # only to check how a time of day is written


def parse_scenario(data: Any, path: Path) -> Scenario:
    """Validate a scenario read from `path` (marked data keeps the lines for errors)."""
    top = Where(str(path), 1)
    if not isinstance(data, Mapping):
        fail(top, "a scenario is a mapping with 'steps' (and 'name', 'start', 'states', 'config')")
    _known_keys(data, TOP_KEYS, "a scenario", top)
    if "steps" not in data:
        fail(
            top,
            "a scenario needs 'steps': a list of set, event, call, webhook, after, at, restart and expect",
        )
    name = data.get("name") or path.stem
    config = data.get("config")
    if config is not None and not isinstance(config, str):
        fail(key_where(data, "config", top), f"'config' is a folder name, got {config!r}")
    start = data.get("start")
    if start is not None:
        start = _check_instant(start, key_where(data, "start", top))
    return Scenario(
        path=path,
        name=str(name),
        start=start,
        config=(path.parent / config) if config else None,
        states=parse_states(data.get("states"), key_where(data, "states", top)),
        steps=_steps(data["steps"], key_where(data, "steps", top)),
        responses=_by_service(
            data.get("responses"), key_where(data, "responses", top), "responses"
        ),
        failures=_by_service(data.get("failures"), key_where(data, "failures", top), "failures"),
    )


def _by_service(value: Any, where: Where, key: str) -> Mapping[str, Any]:
    """`responses:` / `failures:`: values by service name (`domain.service`)."""
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        fail(where, f"'{key}' maps service names such as 'modbus.read_registers' to values")
    found: dict[str, Any] = {}
    for name, answer in value.items():
        here = key_where(value, name, where)
        if not isinstance(name, str) or name.count(".") != 1:
            fail(here, f"expected a service name such as 'modbus.read_registers', got {name!r}")
        if key == "failures" and not isinstance(answer, str):
            fail(here, f"a failure is the error message the service raises, got {answer!r}")
        found[name] = to_plain(answer)
    return MappingProxyType(found)


def _known_keys(value: Mapping[Any, Any], known: tuple[str, ...], what: str, where: Where) -> None:
    for key in value:
        if key not in known:
            fail(key_where(value, key, where), unknown_key(str(key), known, what))


def _check_instant(value: Any, where: Where) -> str:
    text = value.isoformat() if isinstance(value, datetime) else value
    try:
        parse_instant(text, UTC)
    except ValueError as err:
        fail(where, str(err))
    return str(text)


def _entity_id(value: Any, where: Where) -> str:
    if not isinstance(value, str) or not valid_entity_id(value):
        fail(where, f"expected an entity id such as 'sensor.tank_1_level', got {value!r}")
    return value


def _state(value: Any, where: Where) -> str:
    if isinstance(value, Mapping | list) or value is None:
        fail(where, f'a state is a string or a number (such as "on" or 21.5), got {value!r}')
    return state_to_str(value)


def _attributes(value: Any, where: Where) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        fail(where, f"'attributes' is a mapping, got {value!r}")
    return MappingProxyType({str(k): v for k, v in value.items()})


def parse_states(value: Any, where: Where) -> Mapping[str, InitialState]:
    """States as a scenario's `states:` writes them: `entity_id: state` or `{state, attributes}`."""
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        fail(where, f"'states' maps entity ids to states, got {value!r}")
    states: dict[str, InitialState] = {}
    for eid, spec in value.items():
        here = key_where(value, eid, where)
        states[_entity_id(eid, here)] = _initial_state(spec, here)
    return MappingProxyType(states)


def _initial_state(spec: Any, where: Where) -> InitialState:
    if isinstance(spec, Mapping):
        _known_keys(spec, ("state", "attributes"), "a state", where)
        if "state" not in spec:
            fail(where, "a state written as a mapping needs 'state' (and optional 'attributes')")
        attributes = spec.get("attributes")
        return InitialState(
            _state(spec["state"], where),
            _attributes(attributes, where) if attributes is not None else MappingProxyType({}),
        )
    return InitialState(_state(spec, where))


def _steps(value: Any, where: Where) -> tuple[Step, ...]:
    if not isinstance(value, list) or not value:
        fail(where, f"'steps' is a non-empty list, got {value!r}")
    steps: list[Step] = []
    for index, item in enumerate(value):
        steps.extend(_step(item, item_where(value, index, where)))
    return tuple(steps)


def _step(item: Any, where: Where) -> list[Step]:
    kinds = ", ".join(STEP_PARSERS)
    if not isinstance(item, Mapping) or len(item) != 1:
        fail(where, f"a step is a mapping with one key, one of: {kinds}; got {item!r}")
    ((kind, value),) = item.items()
    here = key_where(item, kind, where)
    parser = STEP_PARSERS.get(str(kind))
    if parser is None:
        fail(here, unknown_key(str(kind), tuple(STEP_PARSERS), "a step"))
    return parser(value, here)


def _set(value: Any, where: Where) -> list[Step]:
    if not isinstance(value, Mapping):
        fail(where, f"'set' takes {{entity_id, state, attributes}}, got {value!r}")
    if "entity_id" not in value:
        # The short form: `set: {sensor.a: "on", sensor.b: 12}`.
        return [
            SetStep(where, _entity_id(eid, key_where(value, eid, where)), *_short(spec, where))
            for eid, spec in value.items()
        ]
    _known_keys(value, SET_KEYS, "a 'set' step", where)
    if "state" not in value:
        fail(where, "'set' needs a 'state'")
    attributes = value.get("attributes")
    return [
        SetStep(
            where,
            _entity_id(value["entity_id"], where),
            _state(value["state"], key_where(value, "state", where)),
            _attributes(attributes, where) if attributes is not None else None,
        )
    ]


def _short(spec: Any, where: Where) -> tuple[str, Mapping[str, Any] | None]:
    state = _initial_state(spec, where)
    has_attributes = isinstance(spec, Mapping) and spec.get("attributes") is not None
    return state.state, state.attributes if has_attributes else None


def _event(value: Any, where: Where) -> list[Step]:
    if isinstance(value, str):
        value = {"event_type": value}
    if not isinstance(value, Mapping):
        fail(where, f"'event' takes {{event_type, data}}, got {value!r}")
    _known_keys(value, EVENT_KEYS, "an 'event' step", where)
    event_type = value.get("event_type")
    if not isinstance(event_type, str) or not event_type:
        fail(where, f"'event' needs an 'event_type', got {event_type!r}")
    data = value.get("data") or {}
    if not isinstance(data, Mapping):
        fail(where, f"'data' of an event is a mapping, got {data!r}")
    return [EventStep(where, event_type, MappingProxyType(dict(data)))]


def _call(value: Any, where: Where) -> list[Step]:
    if not isinstance(value, Mapping):
        fail(where, f"'call' takes {{action, target, data}}, got {value!r}")
    _known_keys(value, CALL_KEYS, "a 'call' step", where)
    action = value.get("action", value.get("service"))
    if not isinstance(action, str) or action.count(".") != 1:
        fail(where, f"'call' needs 'action: domain.service', got {action!r}")
    domain, service = action.split(".")
    data = dict(value.get("data") or {})
    target = dict(value.get("target") or {})
    if "entity_id" in value:
        target["entity_id"] = value["entity_id"]
    return [CallStep(where, domain, service, MappingProxyType(data), target or None)]


def _webhook(value: Any, where: Where) -> list[Step]:
    if isinstance(value, str):
        value = {"webhook_id": value}
    if not isinstance(value, Mapping):
        fail(where, f"'webhook' takes {{webhook_id, json, method}}, got {value!r}")
    _known_keys(value, WEBHOOK_KEYS, "a 'webhook' step", where)
    webhook_id = value.get("webhook_id")
    if not isinstance(webhook_id, str) or not webhook_id:
        fail(where, f"'webhook' needs a 'webhook_id', got {webhook_id!r}")
    method = str(value.get("method", "POST")).upper()
    if method not in WEBHOOK_METHODS:
        fail(where, f"'method' is one of {', '.join(WEBHOOK_METHODS)}, got {method!r}")
    return [WebhookStep(where, webhook_id, to_plain(value.get("json")), method)]


def _after(value: Any, where: Where) -> list[Step]:
    try:
        return [AfterStep(where, parse_duration(value))]
    except ValueError as err:
        fail(where_of(value, where), f"'after': {err}")


def _at(value: Any, where: Where) -> list[Step]:
    text = value.isoformat() if isinstance(value, datetime) else value
    try:
        parse_instant(text, UTC, _ANY_DAY)
    except ValueError as err:
        fail(where_of(value, where), f"'at': {err}")
    return [AtStep(where, str(text))]


def _restart(value: Any, where: Where) -> list[Step]:
    if value is None:
        return [RestartStep(where)]
    if not isinstance(value, Mapping):
        fail(where, f"'restart' takes nothing or {{downtime: \"01:00:00\"}}, got {value!r}")
    _known_keys(value, ("downtime",), "a 'restart' step", where)
    try:
        downtime = parse_duration(value.get("downtime", 0))
    except ValueError as err:
        fail(where, f"'downtime': {err}")
    return [RestartStep(where, downtime)]


def _expect(value: Any, where: Where) -> list[Step]:
    parsers = expectation_parsers()
    if not isinstance(value, Mapping) or not value:
        fail(where, f"'expect' maps {', '.join(parsers)} to what is expected; got {value!r}")
    checks: list[Expectation] = []
    for key, spec in value.items():
        here = key_where(value, key, where)
        parser = parsers.get(str(key))
        if parser is None:
            fail(here, unknown_key(str(key), tuple(parsers), "'expect'"))
        checks.append(parser(spec, here))
    return [ExpectStep(where, tuple(checks))]


STEP_PARSERS: Mapping[str, Callable[[Any, Where], list[Step]]] = MappingProxyType(
    {
        "set": _set,
        "event": _event,
        "call": _call,
        "webhook": _webhook,
        "after": _after,
        "at": _at,
        "restart": _restart,
        "expect": _expect,
    }
)

__all__ = ["ConfigError", "load_scenario", "parse_scenario", "parse_states"]


def load_scenario(path: Path) -> Scenario:
    """Read and validate a scenario file; raise ConfigError (`FILE:LINE: message`)."""
    return parse_scenario(load_yaml(path, roots=[path.parent]), path)
