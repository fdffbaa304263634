"""Read a YAML file into composed nodes; turn read and syntax errors into issues."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from kozani_hub.config.errors import ConfigIssue
from kozani_hub.config.marked import Mark

try:
    from yaml import CSafeLoader as _Base
except ImportError:  # PyYAML built without libyaml: same results, slower
    from yaml import SafeLoader as _Base  # type: ignore[assignment]


_STR = "tag:yaml.org,2002:str"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"
_PLAIN_CACHE_SIZE = 4096


class KozaniLoader(_Base):
    """The safe YAML loader (libyaml's when available) used to parse and compose documents.

    Construction is done by `kozani_hub.config.builder`, which keeps line marks and refuses
    alias bombs; this class only reads text into nodes. Tag resolution gives the same tags
    as SafeLoader's, faster: rule files repeat the same plain words ('trigger', 'state',
    'entity_id') thousands of times, so the tag of each is looked up once per file.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._plain_tags: dict[str, str] = {}

    def descend_resolver(self, current_node: Any, current_index: Any) -> None:
        """Do nothing: no path resolvers are registered (SafeLoader's check, skipped)."""

    def ascend_resolver(self) -> None:
        """Do nothing: no path resolvers are registered (SafeLoader's check, skipped)."""

    def resolve(self, kind: type[Node], value: Any, implicit: tuple[bool, bool]) -> str:
        """Return the tag SafeLoader would give an untagged node."""
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            tag = self._plain_tags.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)  # type: ignore[no-untyped-call]
                if len(self._plain_tags) < _PLAIN_CACHE_SIZE:
                    self._plain_tags[value] = tag
            return tag
        return _SEQ if kind is SequenceNode else _MAP


# libyaml and the pure-Python parser word their errors differently; both are covered.
_HINTS = (
    ("mapping values are not allowed", "a ':' where no new key can start; quote values that "
     "contain ': ', or check the indentation of this line and the ':' on the line above"),
    ("did not find expected key", "check the indentation and the quotes of this line"),
    ("expected <block end>", "check the indentation and the quotes of this line"),
    ("expected <document start>", "check the indentation of this line: it fits under no key "
     "above it"),
    ("expected '-' indicator", "list items start with '- ' at the same indentation"),
    ("expected ',' or ']'", "a list written in [ ] is not closed"),
    ("expected ',' or '}'", "a mapping written in { } is not closed"),
    ("could not find expected ':'", "expected 'key: value' on this line"),
    ("end of stream", "a quote is not closed"),
    ("found undefined alias", "an alias (*name) refers to an anchor (&name) that is not defined "
     "above it"),
    ("found duplicate anchor", "the same anchor (&name) is defined twice"),
    ("maximum nesting depth", "values are nested too deeply"),
)


def parse_file(path: Path, origin: Mark | None) -> ConfigIssue | tuple[Any, Node | None]:
    """Return (loader, root node or None when empty), or the issue that stops reading."""
    file = str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        where = origin or (file, None)
        return ConfigIssue(where[0], where[1], f"cannot read {file}: {error.strerror}")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        return ConfigIssue(file, line, "this file is not UTF-8 text; save it as UTF-8")
    loader = KozaniLoader(text)
    try:
        return loader, loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        loader.dispose()
        return syntax_issue(file, error, text)
    except yaml.YAMLError as error:
        loader.dispose()
        return ConfigIssue(file, None, f"YAML syntax error: {error}")


def syntax_issue(file: str, error: yaml.MarkedYAMLError, text: str = "") -> ConfigIssue:
    """Describe a YAML syntax error at the line where it was found."""
    mark = error.problem_mark or error.context_mark
    line = None if mark is None else mark.line + 1
    problem = error.problem or "invalid YAML"
    if "another document" in problem or "single document" in str(error.context):
        return ConfigIssue(file, line, "YAML syntax error: a second document starts here; a "
                           "file holds one document: remove the extra '---'")
    message = f"YAML syntax error: {problem}"
    if error.context:
        message += f" ({error.context}"
        if error.context_mark is not None and error.context_mark.line + 1 != line:
            message += f" started at line {error.context_mark.line + 1}"
        message += ")"
    hint = _hint(problem, _character(text, mark))
    return ConfigIssue(file, line, f"{message}; {hint}" if hint else message)


def _character(text: str, mark: Any) -> str:
    """Return the character at `mark` in `text`, or nothing."""
    if mark is None:
        return ""
    lines = text.splitlines()
    if mark.line < len(lines) and mark.column < len(lines[mark.line]):
        return str(lines[mark.line][mark.column])
    return ""


def _hint(problem: str, character: str) -> str:
    if "cannot start any token" in problem:
        if character == "\t":
            return "tab characters cannot indent YAML; use spaces"
        if character:
            return f"a value cannot start with '{character}'; put the value in quotes"
    for needle, hint in _HINTS:
        if needle in problem:
            return hint
    return ""
