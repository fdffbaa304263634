"""`kozani-hub run [-c DIR]`: run the hub until Ctrl-C or SIGTERM."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from pathlib import Path

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.errors import ConfigError
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.logs import setup_logging


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        default=Path("config"),
        help="configuration folder (default: config/)",
    )
    parser.add_argument(
        "--log-level", default=None, help="override the configured log level (debug, info, ...)"
    )


def _refuse(config: Path, err: ConfigError) -> int:
    for issue in err.issues:
        print(issue, file=sys.stderr)
    print(
        f"kozani-hub: the configuration in {config} has {len(err.issues)} problem(s); not starting",
        file=sys.stderr,
    )
    return 1


def main(args: argparse.Namespace) -> int:
    try:
        loaded = load_hub_config(args.config)
        logger = loaded.core.logger
        level = args.log_level or (logger.level.value if logger else "info")
        setup_logging(level, {k: v.value for k, v in logger.logs.items()} if logger else None)
        hub = hub_from_config(loaded, owns_process=True)
    except ConfigError as err:
        return _refuse(args.config, err)
    try:
        asyncio.run(hub.run_until_stopped())
    except KeyboardInterrupt:  # a second Ctrl-C during shutdown
        logging.getLogger("kozani_hub").warning("Interrupted during shutdown")
        return 130
    return 0
