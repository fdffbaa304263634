"""`kozani-hub run|check|test|template|schema|bench|...` — one module per subcommand."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import Protocol, cast

COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("kozani_hub.commands.run", "run the hub"),
    "check": ("kozani_hub.commands.check", "validate the configuration and rules"),
    "test": ("kozani_hub.commands.test", "run rule scenarios under simulated time"),
    "template": ("kozani_hub.commands.template", "render a template"),
    "schema": ("kozani_hub.commands.schema", "print the JSON Schema of rule files"),
    "bench": ("kozani_hub.commands.bench", "run the city-scale benchmark"),
    "alerts": ("kozani_hub.commands.alerts", "alert reports (alarm rates against EEMUA 191)"),
    "energy": ("kozani_hub.commands.energy", "energy review of the buildings' automations"),
}


class Command(Protocol):
    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def main(self, args: argparse.Namespace) -> int: ...


def _load(name: str) -> Command:
    return cast(Command, importlib.import_module(COMMANDS[name][0]))


def build_parser(argv: Sequence[str]) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kozani-hub", description="Kozani Hub: the automation hub of the Kozani smart city."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    wanted = next((a for a in argv if not a.startswith("-")), None)
    for name, (_, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        # Import only the command being run, so `kozani-hub check` starts fast.
        if name == wanted:
            _load(name).configure(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(args_list)
    args = parser.parse_args(args_list)
    return _load(args.command).main(args)


if __name__ == "__main__":
    sys.exit(main())
