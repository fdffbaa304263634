"""Load a configuration folder: hub.yaml's core sections, integration sections, rule folders."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from pydantic import TypeAdapter

from kozani_hub.config.builder import describe_kind
from kozani_hub.config.errors import ConfigError, ConfigIssue, display_path
from kozani_hub.config.includes import yaml_files
from kozani_hub.config.loader import try_load_yaml_partial
from kozani_hub.config.marked import Mark, MarkedDict, locate
from kozani_hub.config.messages import suggest
from kozani_hub.config.packages import merge_packages
from kozani_hub.config.schema import CORE_KEYS, HubConfig
from kozani_hub.config.secret_store import SecretStore
from kozani_hub.config.validation import try_validate

HUB_FILE = "hub.yaml"
_DOMAIN = re.compile(r"[a-z][a-z0-9_]*")
M = TypeVar("M")


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A configuration folder, loaded and its core validated."""

    core: HubConfig
    integrations: Mapping[str, Any]
    """Each integration's raw section (marked data), by domain, in file order."""
    config_dir: Path
    rule_dirs: tuple[Path, ...]
    roots: tuple[Path, ...]
    """The folders files may be loaded from: the config folder and the rule folders."""
    secrets: SecretStore
    raw: MarkedDict

    @property
    def config_file(self) -> Path:
        """The hub.yaml this configuration was read from."""
        return self.config_dir / HUB_FILE

    def section_mark(self, domain: str) -> Mark:
        """Return where the section of `domain` is written in hub.yaml."""
        return self.raw.mark(domain)

    def validate_integration(
        self, domain: str, schema: type[M] | TypeAdapter[M]
    ) -> tuple[M | None, list[ConfigIssue]]:
        """Validate the section of `domain` against its CONFIG_SCHEMA, issues at their lines."""
        file, line = self.section_mark(domain)
        return try_validate(schema, self.integrations[domain], file=file, line=line)

    def rule_files(self) -> list[Path]:
        """Return every rule file of every rule folder, sorted folder by folder."""
        return [path for folder in self.rule_dirs for path in yaml_files(folder)]


def load_hub_config(config_dir: Path, *, env: Mapping[str, str] | None = None) -> LoadedConfig:
    """Load `config_dir`/hub.yaml; raise ConfigError listing every problem found.

    Includes in hub.yaml may only reach files within `config_dir`; rule files (loaded
    elsewhere) may include from any of `roots`.
    """
    config_dir = Path(os.path.abspath(config_dir))
    file = config_dir / HUB_FILE
    if not file.is_file():
        raise ConfigError.single(file, None, _missing_file_message(config_dir))
    secrets = SecretStore.beside(file)
    data, load_issues = try_load_yaml_partial(file, roots=[config_dir], secrets=secrets, env=env)
    if load_issues and not isinstance(data, MarkedDict):
        raise ConfigError(load_issues)
    if data is None:
        data = MarkedDict(str(file), None)
    if not isinstance(data, MarkedDict):
        raise ConfigError.single(
            file,
            1,
            "expected a mapping of sections (hub:, http:, and one "
            f"per integration), found {describe_kind(data)}",
        )
    package_issues: list[ConfigIssue] = []
    merge_packages(data, package_issues)
    core, issues = try_validate(HubConfig, data.subset(CORE_KEYS), file=file)
    issues = package_issues + issues
    integrations = _integrations(data, issues)
    rule_dirs = _rule_dirs(core, data, config_dir, issues) if core is not None else ()
    if load_issues:
        # A value whose tag failed is None in the data; its validation error says nothing new.
        failed = {(i.file, i.line) for i in load_issues}
        issues = load_issues + [i for i in issues if (i.file, i.line) not in failed]
    if issues or core is None:
        raise ConfigError(sorted(issues, key=ConfigIssue.sort_key))
    return LoadedConfig(
        core=core,
        integrations=integrations,
        config_dir=config_dir,
        rule_dirs=rule_dirs,
        roots=(config_dir, *rule_dirs),
        secrets=secrets,
        raw=data,
    )


def integration_sections(config_dir: Path) -> tuple[MarkedDict, dict[str, Any]]:
    """hub.yaml's integration sections as far as they can be read, even when its core is invalid.

    `kozani-hub check` uses this to report the problems of every section at once.
    """
    file = Path(os.path.abspath(config_dir)) / HUB_FILE
    data, _ = try_load_yaml_partial(file, roots=[file.parent], secrets=SecretStore.beside(file))
    if not isinstance(data, MarkedDict):
        return MarkedDict(str(file), None), {}
    merge_packages(data, [])
    return data, _integrations(data, [])


def unknown_integrations(
    loaded: LoadedConfig | MarkedDict, known: Iterable[str]
) -> list[ConfigIssue]:
    """Report the sections whose domain names no installed integration, with a suggestion."""
    known = sorted(known)
    raw = loaded.raw if isinstance(loaded, LoadedConfig) else loaded
    issues = []
    for domain in _integrations(raw, []):
        if domain not in known:
            file, line = raw.mark(domain)
            hint = (
                suggest(domain, known)
                or suggest(domain, CORE_KEYS)
                or (f"; the installed integrations are {', '.join(known)}" if known else "")
            )
            issues.append(ConfigIssue(file, line, f"unknown integration '{domain}'{hint}"))
    return issues


def _missing_file_message(config_dir: Path) -> str:
    if not config_dir.is_dir():
        return f"no configuration folder {display_path(config_dir)}; give one with -c DIR"
    return f"not found; a configuration folder needs a {HUB_FILE} (config/{HUB_FILE} is an example)"


def _integrations(data: MarkedDict, issues: list[ConfigIssue]) -> dict[str, Any]:
    sections: dict[str, Any] = {}
    for key, section in data.items():
        if key in CORE_KEYS:
            continue
        file, line = data.mark(key)
        if not isinstance(key, str) or not _DOMAIN.fullmatch(key):
            issues.append(
                ConfigIssue(
                    file,
                    line,
                    f"'{key}' is not an integration name: names "
                    "use lower-case letters, digits and '_'",
                )
            )
            continue
        # `demo:` with nothing under it means "load demo with its defaults".
        sections[key] = MarkedDict(file, line) if section is None else section
    return sections


def _rule_dirs(
    core: HubConfig, data: MarkedDict, config_dir: Path, issues: list[ConfigIssue]
) -> tuple[Path, ...]:
    # The default folder may be absent (no rules yet); a folder someone wrote down may not.
    explicit = "rules" in core.hub.model_fields_set
    folders = []
    for index, entry in enumerate(core.hub.rules):
        folder = Path(os.path.normpath(config_dir / entry))
        if folder.is_dir():
            folders.append(folder)
        elif explicit:
            file, line = locate(data, ("hub", "rules", index))
            found = "a file" if folder.exists() else "nothing"
            issues.append(
                ConfigIssue(
                    file,
                    line,
                    f"rule folder '{entry}' not found: {display_path(folder)} is {found}",
                )
            )
    return tuple(folders)
