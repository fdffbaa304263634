"""Logging a technician can read: one line per notable thing, naming the entity or integration."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping

FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
DATE_FORMAT = "%Y-%m-%d %H:%M:%S"
QUIET = ("aiohttp.access", "pymodbus", "asyncio", "zeroconf")


def setup_logging(level: str = "info", per_logger: Mapping[str, str] | None = None) -> None:
    """Log to stderr at `level`, with chosen loggers more or less verbose."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(FORMAT, DATE_FORMAT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.WARNING)
    for name, lvl in (per_logger or {}).items():
        logging.getLogger(name).setLevel(lvl.upper())
