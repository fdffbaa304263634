"""`kozani-hub test [-c DIR] SCENARIO...`: run rule scenarios under simulated time."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from kozani_hub.testing import render_result, run_scenario, summary_line
from kozani_hub.testing.discover import find_scenarios

DEFAULT_CONFIG = Path("config")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = (
        "Run rule scenarios under simulated time: device integrations are not started, "
        "device services are recorded, rules and templates run for real. Prints what differs "
        "for each failure; the last line is 'N passed, N failed'."
    )
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        default=None,
        metavar="DIR",
        help="configuration folder; overrides a scenario's own 'config:' (which is read "
        "relative to the scenario file); without either, config/ when it exists",
    )
    parser.add_argument(
        "scenarios",
        nargs="+",
        type=Path,
        metavar="SCENARIO",
        help="a scenario file, or a folder of them (its 'configs' folders are skipped)",
    )


def main(args: argparse.Namespace) -> int:
    files = find_scenarios(args.scenarios)
    missing = [path for path in files if not path.exists()]
    for path in missing:
        print(f"{path}: no such scenario file")
    config: Path | None = args.config
    # The hub logs into each scenario's report; printed again here it would only repeat it.
    hub_logger = logging.getLogger("kozani_hub")
    previous = hub_logger.propagate
    hub_logger.propagate = False
    results = []
    try:
        for path in files:
            if path in missing:
                continue
            result = asyncio.run(run_scenario(path, config, fallback_config=_fallback()))
            print(render_result(result), flush=True)
            results.append(result)
    finally:
        hub_logger.propagate = previous
    failed = len(missing) + sum(1 for r in results if not r.passed)
    print(summary_line(len(results) + len(missing) - failed, failed))
    return 1 if failed else 0


def _fallback() -> Path | None:
    return DEFAULT_CONFIG if (DEFAULT_CONFIG / "hub.yaml").is_file() else None
