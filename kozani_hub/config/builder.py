"""Turn composed YAML nodes into marked Python data, within limits, collecting every problem.

PyYAML's own constructor is bypassed: it is slow, it keeps no line numbers, and it would
build whatever an alias bomb asks for. Here each node is built once; an alias reuses the
object built for its anchor and adds that object's expanded size to a running count, so a
document that would expand past `MAX_EXPANDED_NODES` is refused after doing only as much
work as its text is long.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.marked import Mark, MarkedDict, MarkedList
from kozani_hub.config.parse import parse_file

if TYPE_CHECKING:
    from kozani_hub.config.secret_store import SecretStore

MAX_EXPANDED_NODES = 1_000_000
"""How many values one load may produce once every alias is expanded."""

_YAML = "tag:yaml.org,2002:"
_STR, _MAP, _SEQ, _MERGE = _YAML + "str", _YAML + "map", _YAML + "seq", _YAML + "merge"
_SCALARS: Mapping[str, Callable[[Any, ScalarNode], Any]] = {
    **{
        _YAML + name: SafeConstructor.yaml_constructors[_YAML + name]
        for name in ("null", "bool", "int", "float", "binary", "timestamp")
    },
    # A lone '=' resolves to YAML 1.1's obsolete "value" type; to a person it is text.
    _YAML + "value": lambda _loader, node: node.value,
}
_IN_PROGRESS: Any = object()
_BAD_KEY: Any = object()

TagHandler = Callable[["Builder", Node], Any]


class TooLarge(Exception):
    """The document expands past the bound; raised to stop all work at once."""

    def __init__(self) -> None:
        super().__init__()
        self.mark: Mark | None = None


@dataclass(eq=False)
class LoadContext:
    """What one load shares across the files it includes."""

    roots: tuple[Path, ...]
    secrets: SecretStore | None
    env: Mapping[str, str]
    tags: Mapping[str, TagHandler]
    issues: list[ConfigIssue] = field(default_factory=list)
    stack: list[Path] = field(default_factory=list)
    cache: dict[Path, tuple[Any, int]] = field(default_factory=dict)

    def issue(self, mark: Mark, message: str) -> None:
        """Record a problem and carry on, so that one run reports them all."""
        self.issues.append(ConfigIssue(mark[0], mark[1], message))


def load_document(ctx: LoadContext, path: Path, origin: Mark | None) -> tuple[Any, int]:
    """Load one file (once per load); return its data and its expanded size."""
    resolved = path.resolve()
    cached = ctx.cache.get(resolved)
    if cached is not None:
        return cached
    file = str(path)
    if resolved in ctx.stack:
        cycle = [*ctx.stack[ctx.stack.index(resolved) :], resolved]
        ctx.issue(origin or (file, None), "include cycle: " + " → ".join(map(display_path, cycle)))
        return None, 0
    parsed = parse_file(path, origin)
    if isinstance(parsed, ConfigIssue):
        ctx.issues.append(parsed)
        return None, 0
    loader, node = parsed
    ctx.stack.append(resolved)
    try:
        builder = Builder(ctx, file, path.parent, loader)
        value = None if node is None else builder.build(node)
    finally:
        ctx.stack.pop()
        loader.dispose()
    ctx.cache[resolved] = (value, builder.count)
    return value, builder.count


class Builder:
    """Builds the data of one file."""

    def __init__(self, ctx: LoadContext, file: str, folder: Path, loader: Any) -> None:
        self.ctx = ctx
        self.file = file
        self.folder = folder
        self.loader = loader
        self.count = 0
        self._memo: dict[int, tuple[Any, int]] = {}

    def mark(self, node: Node) -> Mark:
        """Return where `node` was written."""
        return (self.file, node.start_mark.line + 1)

    def issue(self, node: Node, message: str) -> None:
        """Record a problem at `node`."""
        self.ctx.issue(self.mark(node), message)

    def add_expanded(self, size: int) -> None:
        """Count `size` more values and stop the load if that passes the bound."""
        self.count += size
        if self.count > MAX_EXPANDED_NODES:
            raise TooLarge

    def build(self, node: Node) -> Any:
        """Return the Python value of `node`."""
        cls = node.__class__
        if cls is ScalarNode:
            self.count += 1
            tag = node.tag
            if tag == _STR:
                return node.value
            scalar = _SCALARS.get(tag)
            if scalar is not None:
                return scalar(self.loader, node)  # type: ignore[arg-type]
            return self._tagged(node)
        seen = self._memo.get(id(node))
        if seen is not None:
            return self._reuse(node, seen)
        if cls is MappingNode and node.tag == _MAP:
            return self._mapping(node)  # type: ignore[arg-type]
        if cls is SequenceNode and node.tag == _SEQ:
            return self._sequence(node)  # type: ignore[arg-type]
        return self._tagged(node)

    def _reuse(self, node: Node, seen: tuple[Any, int]) -> Any:
        if seen is _IN_PROGRESS:
            self.issue(node, "an alias refers to the anchor that contains it; a value cannot "
                       "contain itself")
            return None
        value, size = seen
        self.add_expanded(size)
        return value

    def _mapping(self, node: MappingNode) -> MarkedDict:
        self._memo[id(node)] = _IN_PROGRESS
        before = self.count
        self.count += 1
        file = self.file
        result = MarkedDict(file, node.start_mark.line + 1)
        lines = result.lines
        merges: list[Node] = []
        build = self.build
        try:
            # The common cases (text keys, text values) are inlined: this loop runs for
            # every key of every rule.
            for key_node, value_node in node.value:
                line = key_node.start_mark.line + 1
                key_tag = key_node.tag
                if key_tag == _STR and key_node.__class__ is ScalarNode:
                    key = key_node.value
                elif key_tag == _MERGE:
                    merges.append(value_node)
                    continue
                else:
                    key = self._key(key_node)
                if value_node.tag == _STR and value_node.__class__ is ScalarNode:
                    self.count += 1
                    value = value_node.value
                else:
                    value = build(value_node)
                if key in lines:
                    self._duplicate(key, result.mark(key), line)
                elif key is not _BAD_KEY:
                    result[key] = value
                    lines[key] = line
            for merge in merges:
                self._merge(result, merge)
        except TooLarge as error:
            error.mark = error.mark or self.mark(node)
            raise
        self._memo[id(node)] = (result, self.count - before)
        if self.count > MAX_EXPANDED_NODES:
            raise TooLarge
        return result

    def _key(self, node: Node) -> Any:
        if node.__class__ is ScalarNode:
            if node.tag == _STR:
                return node.value
            scalar = _SCALARS.get(node.tag)
            if scalar is not None:
                return scalar(self.loader, node)
        self.issue(node, "a key must be plain text or a number, not a tagged value, a list or a "
                   "mapping")
        return _BAD_KEY

    def _duplicate(self, key: Any, first: Mark, line: int) -> None:
        where = f"line {first[1]}" if first[0] == self.file else f"{display_path(first[0])}:{first[1]}"
        self.ctx.issue((self.file, line), f"duplicate key '{key}': already given at {where}; "
                       "keep only one")

    def _merge(self, result: MarkedDict, node: Node) -> None:
        sources = node.value if node.__class__ is SequenceNode else [node]
        for source_node in sources:
            source = self.build(source_node)
            if not isinstance(source, dict):
                self.issue(source_node, "'<<' merges mappings: expected an alias to a mapping "
                           f"(<<: *name), found {describe_kind(source)}")
                continue
            for key, value in source.items():
                if key not in result:
                    mark = source.mark(key) if isinstance(source, MarkedDict) else self.mark(node)
                    result.put(key, value, mark)

    def _sequence(self, node: SequenceNode) -> MarkedList:
        self._memo[id(node)] = _IN_PROGRESS
        before = self.count
        self.count += 1
        file = self.file
        result = MarkedList(file, node.start_mark.line + 1)
        append, add_line, build = result.append, result.lines.append, self.build
        try:
            for item in node.value:
                append(build(item))
                add_line(item.start_mark.line + 1)
        except TooLarge as error:
            error.mark = error.mark or self.mark(node)
            raise
        self._memo[id(node)] = (result, self.count - before)
        if self.count > MAX_EXPANDED_NODES:
            raise TooLarge
        return result

    def _tagged(self, node: Node) -> Any:
        handler = self.ctx.tags.get(node.tag)
        if handler is None:
            self.count += 1
            self.issue(node, unknown_tag_message(node.tag, self.ctx.tags))
            return None
        return handler(self, node)


def unknown_tag_message(tag: str, known: Mapping[str, TagHandler]) -> str:
    """Explain a tag this loader does not support."""
    if tag.startswith(_YAML):
        return f"the YAML type '!!{tag.removeprefix(_YAML)}' is not supported here"
    if not known:
        return f"the tag '{tag}' cannot be used in this file"
    close = difflib.get_close_matches(tag, list(known), n=1)
    if close:
        return f"unknown tag '{tag}'; did you mean '{close[0]}'?"
    return f"unknown tag '{tag}'; the tags are {', '.join(known)}"


def describe_kind(value: Any) -> str:
    """Name the kind of a YAML value, as a person would say it."""
    if value is None:
        return "nothing"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    return f"a {type(value).__name__}"

