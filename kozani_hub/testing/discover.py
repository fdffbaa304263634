"""Which files are scenarios: the YAML files named, and those below the folders named.

Folders called `configs` hold the configurations scenarios run against (a hub.yaml and its
rules), not scenarios, and are passed over.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

CONFIG_FOLDER = "configs"


def find_scenarios(paths: Iterable[Path]) -> list[Path]:
    """Every scenario file given or below a folder given, in a stable order, each once."""
    found: dict[Path, None] = {}
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*.yaml")):
                relative = candidate.relative_to(path).parts[:-1]
                if CONFIG_FOLDER not in relative and not candidate.name.startswith("."):
                    found.setdefault(candidate, None)
        else:
            found.setdefault(path, None)
    return list(found)
