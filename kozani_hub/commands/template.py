"""`kozani-hub template [-c DIR] [--states FILE] [--at ISO-TIME] TEMPLATE`: render a template."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC
from pathlib import Path

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.errors import ConfigError
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.config.loader import load_yaml
from kozani_hub.core.clock import Clock, RealClock, SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine, TemplateError
from kozani_hub.testing.model import Where
from kozani_hub.testing.parse import parse_states
from kozani_hub.testing.render import to_plain
from kozani_hub.testing.timeparse import parse_instant


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Render a template as a rule would, and print the result (text as it is, numbers, "
        "lists and booleans as JSON), or the error."
    )
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        default=None,
        metavar="DIR",
        help="configuration folder, for the hub's location and time zone",
    )
    parser.add_argument(
        "--states",
        type=Path,
        default=None,
        metavar="FILE",
        help="YAML file of states, as a scenario's 'states:' (entity_id: state, or "
        "entity_id: {state, attributes})",
    )
    parser.add_argument(
        "--at",
        default=None,
        metavar="ISO-TIME",
        help="the time now() returns, such as 2026-01-15T23:50:00 (the hub's time zone when "
        "no offset is given); default: the real time",
    )
    parser.add_argument("template", metavar="TEMPLATE", help='the template, such as "{{ now() }}"')


def main(args: argparse.Namespace) -> int:
    try:
        hub = _hub(args.config, args.at)
        if args.states is not None:
            _set_states(hub, args.states)
        result = TemplateEngine(hub).compile(args.template).render()
    except TemplateError as err:
        print(f"error: {err}", file=sys.stderr)
        print(_pointer(args.template, err), file=sys.stderr, end="")
        return 1
    except (ConfigError, ValueError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(result if isinstance(result, str) else json.dumps(to_plain(result), ensure_ascii=False))
    return 0


def _hub(config: Path | None, at: str | None) -> Hub:
    loaded = load_hub_config(config) if config is not None else None
    clock: Clock = RealClock()
    if at is not None:
        tz = loaded.core.hub.tzinfo if loaded is not None else Hub().tz
        clock = SimulatedClock(parse_instant(at, tz).astimezone(UTC))
    if loaded is None:
        return Hub(clock=clock)
    return hub_from_config(
        loaded, clock, with_integrations=False, with_http=False, with_recorder=False
    )


def _set_states(hub: Hub, path: Path) -> None:
    data = load_yaml(path, roots=[path.parent])
    for entity_id, initial in parse_states(data, Where(str(path), 1)).items():
        hub.states.set(entity_id, initial.state, initial.attributes, Context(origin="user"))


def _pointer(source: str, err: TemplateError) -> str:
    """The template's line the error is on, and a caret under the column when it is known."""
    if err.position is None:
        return ""
    line, column = err.position
    lines = source.splitlines() or [source]
    if not 1 <= line <= len(lines):
        return ""
    text = f"  {lines[line - 1]}\n"
    if column is not None:
        text += "  " + " " * max(0, column - 1) + "^\n"
    return text
