"""`kozani-hub bench`: the rules benchmark (or, with --modbus, the Modbus one)."""

from __future__ import annotations

import argparse
import asyncio
import json

from kozani_hub.bench import BenchOptions, compare_recorder, run_rules_bench


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run the city-scale rules benchmark in this process: N rules loaded from YAML, M state "
        "changes through the state machine, actions through the service registry. Reports rule "
        "load time, changes and actions per second, latency p50/p99 (burst and closed loop) "
        "and memory."
    )
    parser.add_argument("--rules", type=_positive, default=1000, metavar="N", help="rules (1000)")
    parser.add_argument(
        "--changes", type=_positive, default=60_000, metavar="M", help="state changes (60000)"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--recorder",
        action="store_true",
        help="compare the rules benchmark without and with the recorder (alternate rounds)",
    )
    parser.add_argument(
        "--rounds",
        type=_positive,
        default=3,
        metavar="R",
        help="with --recorder: rounds each way, the medians compared (3)",
    )
    parser.add_argument(
        "--modbus", action="store_true", help="run the Modbus benchmark instead of the rules one"
    )


def main(args: argparse.Namespace) -> int:
    if args.modbus:
        return _modbus(as_json=args.json)
    options = BenchOptions(rules=args.rules, changes=args.changes)
    if args.recorder:
        comparison = asyncio.run(compare_recorder(options, args.rounds))
        print(comparison.as_json() if args.json else comparison.text())
        return 0
    result = asyncio.run(run_rules_bench(options))
    print(result.as_json() if args.json else result.text())
    return 0 if result.actions == result.expected_actions else 1


def _modbus(*, as_json: bool) -> int:
    # Imported here: it needs the Modbus integration, which the rules benchmark does not.
    from kozani_hub.bench.modbus import run_modbus_bench  # noqa: PLC0415

    figures = asyncio.run(run_modbus_bench())
    if as_json:
        print(json.dumps(figures))
    else:
        width = max(len(k) for k in figures)
        for key, value in figures.items():
            print(f"{key:<{width}}  {value:g}")
    return 0


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text}")
    return value
