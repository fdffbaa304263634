"""Where an include may point: inside the configuration's roots, never out of them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from kozani_hub.config.errors import display_path

SECRETS_FILE = "secrets.yaml"


class IncludeRefused(Exception):
    """An include names a file that may not or cannot be read; the text says why."""


def resolve_roots(roots: Sequence[Path]) -> tuple[Path, ...]:
    """Return the roots with symlinks resolved, the form containment is checked against."""
    return tuple(Path(root).resolve() for root in roots)


def inside_roots(path: Path, roots: Sequence[Path]) -> bool:
    """Tell whether `path` (already resolved) lies within one of the resolved `roots`."""
    return any(path.is_relative_to(root) for root in roots)


def include_target(base_dir: Path, name: str, roots: Sequence[Path], *, folder: bool) -> Path:
    """Return the file or folder an include names, relative to `base_dir`, or refuse it."""
    kind = "folder" if folder else "file"
    if not name:
        raise IncludeRefused(f"expected a {kind} name after the tag, found nothing")
    if Path(name).is_absolute() or name.startswith("~"):
        raise IncludeRefused(
            f"refusing to include '{name}': give a path relative to this file, not an "
            "absolute one"
        )
    target = Path(os.path.normpath(base_dir / name))
    if not inside_roots(target.resolve(), roots):
        folders = ", ".join(display_path(root) for root in roots)
        lexical = Path(os.path.normpath(base_dir.resolve() / name))
        how = "links to a place" if inside_roots(lexical, roots) else "lies"
        raise IncludeRefused(
            f"refusing to include '{name}': it {how} outside the configuration folders "
            f"({folders})"
        )
    if folder and not target.is_dir():
        found = "a file" if target.exists() else "nothing"
        raise IncludeRefused(f"cannot include folder '{name}': found {found} at {display_path(target)}")
    if not folder and not target.is_file():
        if target.is_dir():
            raise IncludeRefused(
                f"cannot include '{name}': it is a folder; use !include_dir_list, "
                "!include_dir_merge_list, !include_dir_named or !include_dir_merge_named"
            )
        raise IncludeRefused(f"cannot include '{name}': no such file {display_path(target)}")
    return target


def yaml_files(folder: Path) -> list[Path]:
    """Return the *.yaml files below `folder`, sorted, skipping hidden ones and secrets.yaml."""
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        found.extend(
            Path(dirpath, name)
            for name in filenames
            if name.endswith(".yaml") and not name.startswith(".") and name != SECRETS_FILE
        )
    return sorted(found)
