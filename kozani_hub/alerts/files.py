"""Alert definitions written in the rule folders, in files named `*.alerts.yaml` (the rules
engine leaves those to us). Each file holds a list of definitions; they use the people,
policies and notifiers of hub.yaml's `alerts:` section."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.includes import yaml_files
from kozani_hub.config.loader import load_yaml_files
from kozani_hub.config.validation import issues_from_error

from .config import AlertsConfig
from .definition import Definition
from .errors import raise_all
from .refs import definition_problems

SUFFIX = ".alerts.yaml"
_DEFINITIONS: TypeAdapter[list[Definition]] = TypeAdapter(list[Definition])


def is_alert_file(path: Path) -> bool:
    return path.name.endswith(SUFFIX)


def alert_files(dirs: Sequence[Path]) -> list[Path]:
    """Every `*.alerts.yaml` below the folders, sorted folder by folder."""
    return [p for folder in dirs if Path(folder).is_dir() for p in yaml_files(Path(folder))
            if is_alert_file(p)]


def load_alert_files(
    config: AlertsConfig, dirs: Sequence[Path], *, roots: Sequence[Path] | None = None,
    main_file: str = "hub.yaml",
) -> tuple[list[Definition], list[ConfigIssue]]:
    """The definitions of every alert file, checked against `config`; and every problem."""
    files = alert_files(dirs)
    loaded, issues = load_yaml_files(files, roots=list(roots or dirs))
    taken = {d.id: f"{display_path(main_file)} (alerts: definitions)" for d in config.definitions}
    found: list[Definition] = []
    for path, data in loaded:
        if data is None:
            continue
        definitions, problems = _file(config, path, data, taken)
        issues.extend(problems)
        for definition in definitions:
            taken.setdefault(definition.id, display_path(path))
        found.extend(definitions)
    return found, sorted(set(issues), key=ConfigIssue.sort_key)


def _file(
    config: AlertsConfig, path: Path, data: Any, taken: dict[str, str]
) -> tuple[list[Definition], list[ConfigIssue]]:
    file = str(path)
    if not isinstance(data, list):
        return [], [ConfigIssue(file, 1, "an alerts file holds a list of alert definitions "
                                "(- id: ..., condition: ..., policy: ...)")]
    try:
        definitions = _DEFINITIONS.validate_python(data)
    except ValidationError as error:
        return [], issues_from_error(error, data, file=file, line=1)
    try:
        raise_all("alerts", definition_problems(config, definitions, (), taken))
    except ValidationError as error:
        return [], issues_from_error(error, data, file=file, line=1)
    return definitions, []
