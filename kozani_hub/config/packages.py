"""Packages: configuration split by subject, as in Home Assistant.

`packages: !include_dir_named packages` in hub.yaml reads one file per package. A package
holds the same top-level sections as hub.yaml (integrations, `alerts:`); it lets the lighting
programme bring its own helpers and alert definitions in one file, next to the water
station's, without both editing hub.yaml. Sections merge into hub.yaml's:

- mappings merge key by key, one level deep for the sections holding mappings of their own
  (`alerts: {people: ..., policies: ...}`); the same key twice is an error naming both places;
- lists are joined, hub.yaml's items first, then each package's in file-name order;
- hub, http, logger and recorder belong to hub.yaml alone.
"""

from __future__ import annotations

from typing import Any

from .errors import ConfigIssue, display_path
from .marked import Mark, MarkedDict, MarkedList

PACKAGES_KEY = "packages"
HUB_ONLY = ("hub", "http", "logger", "recorder", PACKAGES_KEY)
NESTED = ("alerts",)
"""Sections made of sections: their parts (people, policies, ...) merge key by key."""


def merge_packages(data: MarkedDict, issues: list[ConfigIssue]) -> None:
    """Merge every package under `packages:` into `data`, in place; problems go to `issues`."""
    packages = data.pop(PACKAGES_KEY, None)
    data.lines.pop(PACKAGES_KEY, None)
    if packages is None:
        return
    if not isinstance(packages, MarkedDict):
        file, line = data.file, None
        issues.append(
            ConfigIssue(
                file,
                line,
                "'packages' must be a mapping of package name to "
                "package, such as `packages: !include_dir_named packages`",
            )
        )
        return
    for name, package in packages.items():
        if package is None:
            continue
        if not isinstance(package, MarkedDict):
            file, line = packages.mark(name)
            issues.append(
                ConfigIssue(
                    file,
                    line,
                    f"package '{name}' must be a mapping of "
                    "sections, such as `input_number:` or `alerts:`",
                )
            )
            continue
        for key, value in package.items():
            mark = package.mark(key)
            if key in HUB_ONLY:
                issues.append(
                    ConfigIssue(
                        *mark,
                        f"package '{name}' may not set '{key}:'; it belongs to hub.yaml alone",
                    )
                )
                continue
            levels = 2 if key in NESTED else 1
            _merge_into(data, key, value, mark, issues, levels=levels)


def _merge_into(
    target: MarkedDict, key: Any, value: Any, mark: Mark, issues: list[ConfigIssue], *, levels: int
) -> None:
    if key not in target or target[key] is None:
        target.put(key, value, mark)
        return
    existing = target[key]
    if isinstance(existing, MarkedList) and isinstance(value, MarkedList):
        joined = MarkedList(existing.file, existing.line)
        for index, item in enumerate(existing):
            joined.put(item, existing.mark(index))
        for index, item in enumerate(value):
            joined.put(item, value.mark(index))
        target.put(key, joined, target.mark(key))
        return
    if isinstance(existing, MarkedDict) and isinstance(value, MarkedDict) and levels > 0:
        for sub_key, sub_value in value.items():
            _merge_into(
                existing, sub_key, sub_value, value.mark(sub_key), issues, levels=levels - 1
            )
        return
    file, line = target.mark(key)
    issues.append(
        ConfigIssue(
            *mark,
            f"'{key}' is already set at {display_path(file)}:{line}; a package may add to a "
            "section but not set a key twice",
        )
    )
