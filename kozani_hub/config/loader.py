"""Load configuration YAML into marked Python data: includes, secrets, limits, line numbers.

Every file is loaded through `load_yaml`; the data it returns is made of `MarkedDict`,
and `MarkedList`, which remember where they were written, so that a validation
error deep inside can be reported at its own line (see `locate`).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from kozani_hub.config.builder import MAX_EXPANDED_NODES, LoadContext, TooLarge, load_document
from kozani_hub.config.errors import ConfigError, ConfigIssue, display_path
from kozani_hub.config.includes import inside_roots, resolve_roots, yaml_files
from kozani_hub.config.marked import (
    Input,
    Mark,
    MarkedDict,
    MarkedList,
    SecretText,
    locate,
)
from kozani_hub.config.parse import KozaniLoader
from kozani_hub.config.secret_store import SecretStore
from kozani_hub.config.tags import TAGS

__all__ = [
    "MAX_EXPANDED_NODES",
    "Input",
    "KozaniLoader",
    "Mark",
    "MarkedDict",
    "MarkedList",
    "SecretStore",
    "SecretText",
    "gc_paused",
    "load_yaml",
    "load_yaml_files",
    "locate",
    "try_load_yaml",
    "yaml_files",
]


def load_yaml(
    path: Path,
    *,
    roots: Sequence[Path],
    secrets: SecretStore | None = None,
    env: Mapping[str, str] | None = None,
) -> Any:
    """Load one YAML file and what it includes; raise ConfigError listing every problem.

    Includes must stay within `roots` (the file itself too; no roots means its own folder).
    `!secret` reads `secrets` (default: secrets.yaml beside `path`); `!env_var` reads `env`
    (default: the process environment). An empty file loads as None.
    """
    data, issues = try_load_yaml(path, roots=roots, secrets=secrets, env=env)
    if issues:
        raise ConfigError(issues)
    return data


def try_load_yaml(
    path: Path,
    *,
    roots: Sequence[Path],
    secrets: SecretStore | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Any, list[ConfigIssue]]:
    """Like `load_yaml`, but return (data, issues); data is None when there are issues."""
    data, issues = try_load_yaml_partial(path, roots=roots, secrets=secrets, env=env)
    return (None, issues) if issues else (data, [])


def try_load_yaml_partial(
    path: Path,
    *,
    roots: Sequence[Path],
    secrets: SecretStore | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[Any, list[ConfigIssue]]:
    """Return (data, issues) where data is what could be built despite the issues.

    A value whose tag failed (a missing secret, a refused include) is None in the data, so
    the rest can still be validated and every problem reported at once. Data is None when
    the document itself could not be read (a syntax error, an alias bomb).
    """
    with gc_paused():
        return _load(path, resolve_roots(roots or [path.parent]), secrets, env)


def load_yaml_files(
    paths: Sequence[Path],
    *,
    roots: Sequence[Path],
    secrets: SecretStore | None = None,
    env: Mapping[str, str] | None = None,
) -> tuple[list[tuple[Path, Any]], list[ConfigIssue]]:
    """Load many files (e.g. `yaml_files(folder)`); return those that loaded and all issues.

    A broken file does not stop the others: its problems are listed and it is left out.
    """
    resolved = resolve_roots(roots)
    loaded: list[tuple[Path, Any]] = []
    issues: list[ConfigIssue] = []
    with gc_paused():
        for path in paths:
            data, found = _load(path, resolved, secrets, env)
            if found:
                issues.extend(found)
            else:
                loaded.append((path, data))
    return loaded, issues


def _load(
    path: Path,
    roots: tuple[Path, ...],
    secrets: SecretStore | None,
    env: Mapping[str, str] | None,
) -> tuple[Any, list[ConfigIssue]]:
    file = str(path)
    if not inside_roots(path.resolve(), roots):
        names = ", ".join(display_path(root) for root in roots)
        return None, [ConfigIssue(file, None, f"refusing to load {display_path(path)}: it lies "
                                  f"outside the configuration folders ({names})")]
    store = secrets if secrets is not None else SecretStore.beside(path)
    ctx = LoadContext(roots=roots, secrets=store, env=os.environ if env is None else env,
                      tags=TAGS)
    data: Any = None
    try:
        data, _ = load_document(ctx, path, None)
    except TooLarge as error:
        mark = error.mark or (file, None)
        ctx.issue(mark, f"this document expands to more than {MAX_EXPANDED_NODES:,} values "
                  "through its aliases (*name) and includes; refusing to load it")
    except RecursionError:
        ctx.issue((file, None), "values are nested too deeply to load")
    issues = _unique([*ctx.issues, *store.issues])
    return data, issues


def _unique(issues: list[ConfigIssue]) -> list[ConfigIssue]:
    return list(dict.fromkeys(issues))


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load allocates its many small objects.

    Building hundreds of thousands of nodes otherwise triggers collections that walk the
    ever-growing data again and again; the load is several times faster without them. The
    collector runs as usual once the load is done.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
