"""Finding, reading, checking and compiling every rule file of the rule folders.

`load_rules` never stops at the first problem: every rule is checked and every problem is
returned as `FILE:LINE: message`, so a technician fixes them all in one pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.includes import yaml_files
from kozani_hub.config.loader import try_load_yaml
from kozani_hub.config.marked import Mark, MarkedList
from kozani_hub.templates import TemplateEngine

from .blueprints import BLUEPRINT_FOLDER, Blueprint, Blueprints, describe_use, instantiate
from .compiler import Compiler
from .normalize import as_list, item_mark
from .problems import Invalid, mark_of, show
from .rule import Rule, compile_rule, slug
from .triggers.webhook import WebhookTrigger

ALERT_FILES = ".alerts.yaml"
"""Alert definitions may share the rule folders; the alert engine reads those files."""


def rule_files(dirs: Sequence[Path]) -> list[Path]:
    """Every rule file below the folders (recursively), blueprints and alert files left out."""
    files: list[Path] = []
    for given in dirs:
        folder = Path(given)
        if not folder.is_dir():
            continue
        blueprints = folder / BLUEPRINT_FOLDER
        files.extend(p for p in yaml_files(folder)
                     if not p.is_relative_to(blueprints) and not p.name.endswith(ALERT_FILES))
    return files


def load_rules(
    dirs: Sequence[Path],
    templates: TemplateEngine,
    *,
    roots: Sequence[Path] | None = None,
) -> tuple[dict[str, Rule], list[ConfigIssue]]:
    """Load and validate every rule in `dirs`; return the valid rules and all problems."""
    dirs = [Path(d) for d in dirs]
    roots = list(roots) if roots else dirs
    issues: list[ConfigIssue] = [
        ConfigIssue(str(d), None, "the rule folder does not exist") for d in dirs if not d.is_dir()
    ]
    load = _Load(Compiler(templates), Blueprints(dirs, roots))
    # One file at a time: its YAML is freed before the next is read, so loading ten
    # thousand rules never holds them all as YAML at once.
    for path in rule_files(dirs):
        data, read_issues = try_load_yaml(path, roots=roots)
        if read_issues:
            issues.extend(read_issues)
        else:
            issues.extend(load.file(path, data))
    return load.rules, sorted(set(issues), key=ConfigIssue.sort_key)


class _Load:
    """One load of the rule folders: what is shared between its files."""

    def __init__(self, compiler: Compiler, blueprints: Blueprints) -> None:
        self.compiler = compiler
        self.blueprints = blueprints
        self.seen = _Seen()
        self.rules: dict[str, Rule] = {}

    def file(self, path: Path, data: Any) -> list[ConfigIssue]:
        """Compile the rules of one file; return its problems."""
        file = str(path)
        if data is None:
            return []
        if not isinstance(data, list | dict):
            return [ConfigIssue(file, 1, f"a rule file holds a list of rules, got {show(data)}")]
        issues: list[ConfigIssue] = []
        items = rules_of(data)
        for index, item in enumerate(items):
            mark = item_mark(items, index, (file, 1))
            try:
                rule = _compile(self.compiler, self.blueprints, item, file=file, mark=mark,
                                fallback=f"{slug(path.stem)}_{index + 1}")
            except Invalid as error:
                issues.extend(ConfigIssue(m[0] or file, m[1], text) for m, text in error.problems)
                continue
            except _BlueprintBroken as broken:
                issues.extend(broken.issues)
                continue
            problem = self.seen.add(rule)
            if problem:
                issues.append(ConfigIssue(file, mark[1], problem))
                continue
            self.rules[rule.id] = rule
        return issues


def rules_of(data: Any) -> list[Any]:
    """The rules of a file: a list, one rule, or Home Assistant's configuration.yaml form
    (`automation:`, `automation 2:`, ... each holding a rule or a list), as its documentation
    writes examples."""
    if isinstance(data, dict) and data and all(
        isinstance(key, str) and (key == "automation" or key.startswith("automation "))
        for key in data
    ):
        rules = MarkedList(*mark_of(data))
        for key, value in data.items():
            inner = as_list(value)
            for index, item in enumerate(inner):
                rules.put(item, item_mark(inner, index, mark_of(data, key)))
        return rules
    return as_list(data)


class _BlueprintBroken(Exception):
    def __init__(self, issues: list[ConfigIssue]) -> None:
        super().__init__()
        self.issues = issues


def _compile(
    compiler: Compiler, blueprints: Blueprints, data: Any, *, file: str, mark: Mark,
    fallback: str,
) -> Rule:
    if not isinstance(data, dict) or "use_blueprint" not in data:
        return compile_rule(compiler, data, file=file, mark=mark, fallback_id=fallback)
    use = data["use_blueprint"]
    where = mark_of(data, "use_blueprint", mark)
    if not isinstance(use, dict) or not isinstance(use.get("path"), str):
        raise Invalid(where, "'use_blueprint' needs 'path' (a file in blueprints/) and 'input'")
    unknown = [k for k in use if k not in ("path", "input")]
    if unknown:
        raise Invalid(where, f"unknown key {unknown[0]!r} in use_blueprint; it takes path and "
                      "input")
    path = blueprints.find(use["path"], mark_of(use, "path", where))
    blueprint = blueprints.load(path)
    if not isinstance(blueprint, Blueprint):
        raise _BlueprintBroken([_with_use(i, path, mark) for i in blueprint])
    expanded = instantiate(blueprint, data, mark)
    try:
        return compile_rule(compiler, expanded, file=file, mark=mark, fallback_id=fallback,
                            blueprint=use["path"], step_file=str(path))
    except Invalid as error:
        blueprint_file = str(path)
        problems = [
            (m, text + describe_use(path, mark)) if m[0] == blueprint_file else (m, text)
            for m, text in error.problems
        ]
        raise Invalid.many(problems) from None


def _with_use(issue: ConfigIssue, path: Path, mark: Mark) -> ConfigIssue:
    return ConfigIssue(issue.file, issue.line, issue.message + describe_use(path, mark))


class _Seen:
    """Ids, entity ids and webhook ids already taken in this load."""

    def __init__(self) -> None:
        self.ids: dict[str, Rule] = {}
        self.entities: dict[str, Rule] = {}
        self.webhooks: dict[str, Rule] = {}

    def add(self, rule: Rule) -> str | None:
        first = self.ids.get(rule.id)
        if first is not None:
            return f"rule id {rule.id!r} is already used at {_where(first)}; ids must be unique"
        first = self.entities.get(rule.entity_id)
        if first is not None:
            return (f"rule id {rule.id!r} gives the entity {rule.entity_id}, like rule "
                    f"{first.id!r} at {_where(first)}; choose another id")
        hooks = [t.webhook_id for t in rule.triggers if isinstance(t, WebhookTrigger)]
        for hook in hooks:
            first = self.webhooks.get(hook)
            if first is not None:
                return f"webhook id {hook!r} is already used by rule {first.id!r} at {_where(first)}"
        self.ids[rule.id] = rule
        self.entities[rule.entity_id] = rule
        for hook in hooks:
            self.webhooks[hook] = rule
        return None


def _where(rule: Rule) -> str:
    return f"{display_path(rule.file)}:{rule.line}"
