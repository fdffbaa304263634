"""The YAML tags of a configuration: includes, secrets, environment variables, inputs."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

from yaml.nodes import Node, ScalarNode

from kozani_hub.config.builder import Builder, TagHandler, describe_kind, load_document
from kozani_hub.config.errors import display_path
from kozani_hub.config.includes import IncludeRefused, include_target, inside_roots, yaml_files
from kozani_hub.config.marked import (
    Input,
    MarkedDict,
    MarkedList,
    own_mark,
    secret_text,
)
from kozani_hub.config.secret_store import SecretMissing


def _argument(builder: Builder, node: Node, what: str) -> str | None:
    """Return the text after a tag, or record why there is none."""
    builder.count += 1
    if node.__class__ is not ScalarNode:
        builder.issue(node, f"{node.tag} expects {what}, found a list or a mapping")
        return None
    text = str(node.value).strip()
    if not text:
        builder.issue(node, f"{node.tag} expects {what}, found nothing")
        return None
    return text


def _include(builder: Builder, node: Node) -> Any:
    name = _argument(builder, node, "a file name")
    if name is None:
        return None
    try:
        target = include_target(builder.folder, name, builder.ctx.roots, folder=False)
    except IncludeRefused as refused:
        builder.issue(node, str(refused))
        return None
    value, size = load_document(builder.ctx, target, builder.mark(node))
    builder.add_expanded(size)
    return value


def _folder_documents(builder: Builder, node: Node) -> list[tuple[Path, Any]] | None:
    """Load every file of an included folder; None when the folder itself is refused."""
    name = _argument(builder, node, "a folder name")
    if name is None:
        return None
    ctx = builder.ctx
    try:
        folder = include_target(builder.folder, name, ctx.roots, folder=True)
    except IncludeRefused as refused:
        builder.issue(node, str(refused))
        return None
    documents = []
    for path in yaml_files(folder):
        if not inside_roots(path.resolve(), ctx.roots):
            builder.issue(node, f"refusing to include {display_path(path)}: it links to a file "
                          "outside the configuration folders")
            continue
        value, size = load_document(ctx, path, builder.mark(node))
        builder.add_expanded(size)
        if value is not None:
            documents.append((path, value))
    return documents


def _include_dir_list(builder: Builder, node: Node) -> MarkedList | None:
    documents = _folder_documents(builder, node)
    if documents is None:
        return None
    result = MarkedList(*builder.mark(node))
    for path, value in documents:
        result.put(value, own_mark(value) or (str(path), 1))
    return result


def _include_dir_merge_list(builder: Builder, node: Node) -> MarkedList | None:
    documents = _folder_documents(builder, node)
    if documents is None:
        return None
    result = MarkedList(*builder.mark(node))
    for path, value in documents:
        if not isinstance(value, list):
            _not_mergeable(builder, node, path, value, "a list")
            continue
        for index, item in enumerate(value):
            mark = value.mark(index) if isinstance(value, MarkedList) else (str(path), None)
            result.put(item, mark)
    return result


def _include_dir_named(builder: Builder, node: Node) -> MarkedDict | None:
    documents = _folder_documents(builder, node)
    if documents is None:
        return None
    result = MarkedDict(*builder.mark(node))
    for path, value in documents:
        key = path.stem
        if key in result:
            builder.issue(node, f"two files are named '{key}': {display_path(result.mark(key)[0])} "
                          f"and {display_path(path)}; rename one of them")
            continue
        result.put(key, value, own_mark(value) or (str(path), 1))
    return result


def _include_dir_merge_named(builder: Builder, node: Node) -> MarkedDict | None:
    documents = _folder_documents(builder, node)
    if documents is None:
        return None
    result = MarkedDict(*builder.mark(node))
    for path, value in documents:
        if not isinstance(value, dict):
            _not_mergeable(builder, node, path, value, "a mapping")
            continue
        for key, item in value.items():
            mark = value.mark(key) if isinstance(value, MarkedDict) else (str(path), None)
            if key in result:
                first = result.mark(key)
                builder.ctx.issue(mark, f"duplicate key '{key}': already given at "
                                  f"{display_path(first[0])}:{first[1]}; keep only one")
                continue
            result.put(key, item, mark)
    return result


def _not_mergeable(builder: Builder, node: Node, path: Path, value: Any, expected: str) -> None:
    file, line = own_mark(value) or (str(path), 1)
    tag_file, tag_line = builder.mark(node)
    builder.ctx.issue((file, line), f"expected {expected}, found {describe_kind(value)}: this file "
                      f"is merged by {node.tag} at {display_path(tag_file)}:{tag_line}")


def _secret(builder: Builder, node: Node) -> Any:
    name = _argument(builder, node, "the name of a secret")
    if name is None:
        return None
    store = builder.ctx.secrets
    if store is None:
        builder.issue(node, "!secret cannot be used here: secrets.yaml holds the values "
                      "themselves")
        return None
    try:
        value = store.get(name)
    except SecretMissing as missing:
        builder.issue(node, str(missing))
        return None
    if isinstance(value, str):
        return secret_text(value, name, builder.mark(node))
    return value


def _env_var(builder: Builder, node: Node) -> Any:
    argument = _argument(builder, node, "an environment variable name")
    if argument is None:
        return None
    name, *default = argument.split(maxsplit=1)
    value = builder.ctx.env.get(name)
    if value is None:
        if not default:
            builder.issue(node, f"environment variable '{name}' is not set and no default is "
                          f"given; set it, or write '!env_var {name} DEFAULT'")
            return None
        value = default[0]
    return value


def _input(builder: Builder, node: Node) -> Input | None:
    name = _argument(builder, node, "the name of a blueprint input")
    if name is None:
        return None
    return Input(name, *builder.mark(node))


TAGS: Mapping[str, TagHandler] = MappingProxyType({
    "!include": _include,
    "!include_dir_list": _include_dir_list,
    "!include_dir_merge_list": _include_dir_merge_list,
    "!include_dir_named": _include_dir_named,
    "!include_dir_merge_named": _include_dir_merge_named,
    "!secret": _secret,
    "!env_var": _env_var,
    "!input": _input,
})
"""Every tag a configuration file may use, by name."""
