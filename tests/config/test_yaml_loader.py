"""Loading YAML: plain values, line marks, locate(), syntax errors and the limits."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.loader import (
    MAX_EXPANDED_NODES,
    MarkedDict,
    MarkedList,
    load_yaml,
    load_yaml_files,
    locate,
    try_load_yaml,
    yaml_files,
)
from tests.config.conftest import WriteFile


def load(path: Path) -> object:
    return load_yaml(path, roots=[path.parent])


def issues_of(path: Path) -> list[str]:
    data, issues = try_load_yaml(path, roots=[path.parent])
    assert data is None
    return [f"{Path(issue.file).name}:{issue.line}: {issue.message}" for issue in issues]


def test_values_are_plain_python(write: WriteFile) -> None:
    path = write("a.yaml", """
        text: hello
        quoted: "on"
        number: 42
        ratio: 0.5
        flag: true
        nothing:
        day: 2026-01-15
        items: [1, two]
        operator: =
    """)
    data = load(path)
    assert data == {
        "text": "hello", "quoted": "on", "number": 42, "ratio": 0.5, "flag": True,
        "nothing": None, "day": dt.date(2026, 1, 15), "items": [1, "two"],
        "operator": "=",
    }
    assert isinstance(data, dict)
    assert type(data["text"]) is str


def test_empty_file_loads_as_none(write: WriteFile) -> None:
    assert load(write("empty.yaml", "# only a comment\n")) is None


def test_nested_mappings_and_lists_remember_their_lines(write: WriteFile) -> None:
    path = write("rules.yaml", """
        - id: first
          triggers:
            - trigger: state
              entity_id: light.a
            - trigger: time
              at: "00:00"
        - id: second
    """)
    data = load(path)
    assert isinstance(data, MarkedList)
    assert data.mark(1) == (str(path), 7)
    rule = data[0]
    assert isinstance(rule, MarkedDict)
    assert (rule.file, rule.line) == (str(path), 1)
    assert rule.mark("triggers") == (str(path), 2)
    triggers = rule["triggers"]
    assert triggers.mark(0) == (str(path), 3)
    assert triggers.mark(1) == (str(path), 5)
    assert triggers[1].mark("at") == (str(path), 6)
    assert rule.marks["id"] == (str(path), 1)


def test_unknown_key_or_index_marks_the_container_itself(write: WriteFile) -> None:
    path = write("a.yaml", "x: 1\nnested:\n  y: 2\n")
    nested = load(path)["nested"]  # type: ignore[index]
    assert nested.mark("nope") == (str(path), 3)
    assert nested.mark() == (str(path), 3)


def test_locate_walks_an_error_location_to_the_deepest_line(write: WriteFile) -> None:
    path = write("a.yaml", """
        automations:
          - id: one
            conditions:
              - condition: state
                state: "on"
    """)
    data = load(path)
    file = str(path)
    assert locate(data, ("automations", 0, "conditions", 0, "state")) == (file, 5)
    # a missing key is reported where its mapping starts
    assert locate(data, ("automations", 0, "conditions", 0, "entity_id")) == (file, 4)
    # union member names that pydantic inserts are stepped over
    assert locate(data, ("automations", 0, "conditions", 0, "numeric_state", "state")) == (
        file, 5)
    assert locate(data, ()) == (file, 1)


def test_locate_prefers_the_walk_that_ends_on_the_erroneous_value(write: WriteFile) -> None:
    path = write("a.yaml", """
        conditions:
          - condition: state
            state: "on"
    """)
    data = load(path)
    item = data["conditions"][0]  # type: ignore[index]
    # pydantic's location for "entity_id missing" in the 'state' member of a union:
    loc = ("conditions", 0, "state", "entity_id")
    assert locate(data, loc, item) == (str(path), 2)


def test_merge_keys_fill_in_what_is_not_written(write: WriteFile) -> None:
    path = write("a.yaml", """
        defaults: &defaults
          mode: restart
          max: 5
        rule:
          <<: *defaults
          max: 10
    """)
    rule = load(path)["rule"]  # type: ignore[index]
    assert rule == {"max": 10, "mode": "restart"}
    assert rule.mark("max") == (str(path), 6)
    assert rule.mark("mode") == (str(path), 2)


def test_anchors_and_aliases_within_bounds_load(write: WriteFile) -> None:
    path = write("a.yaml", """
        base: &b [1, 2, 3]
        copies: [*b, *b, *b]
    """)
    assert load(path) == {"base": [1, 2, 3], "copies": [[1, 2, 3]] * 3}


def test_duplicate_keys_are_refused_with_both_lines(write: WriteFile) -> None:
    path = write("a.yaml", """
        name: one
        other: 1
        name: two
        nested:
          x: 1
          x: 2
    """)
    assert issues_of(path) == [
        "a.yaml:3: duplicate key 'name': already given at line 1; keep only one",
        "a.yaml:6: duplicate key 'x': already given at line 5; keep only one",
    ]


BILLION_LAUGHS = """
a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
"""


def test_alias_bomb_is_refused_quickly(write: WriteFile) -> None:
    path = write("bomb.yaml", BILLION_LAUGHS)
    started = time.perf_counter()
    issues = issues_of(path)
    assert time.perf_counter() - started < 0.5
    assert len(issues) == 1
    assert issues[0].startswith("bomb.yaml:7: this document expands to more than "
                                f"{MAX_EXPANDED_NODES:,} values through its aliases")


def test_alias_bomb_through_includes_is_refused_quickly(
    write: WriteFile, tmp_path: Path
) -> None:
    write("l0.yaml", "[" + ", ".join(["lol"] * 10) + "]\n")
    for level in range(1, 8):
        write(f"l{level}.yaml", "[" + ", ".join([f"!include l{level - 1}.yaml"] * 10) + "]\n")
    started = time.perf_counter()
    data, issues = try_load_yaml(write("main.yaml", "x: !include l7.yaml\n"), roots=[tmp_path])
    assert time.perf_counter() - started < 0.5
    assert data is None
    assert "expands to more than" in issues[0].message


def test_an_anchor_that_contains_itself_is_refused(write: WriteFile) -> None:
    path = write("a.yaml", "loop: &x [1, *x]\n")
    assert issues_of(path) == [
        "a.yaml:1: an alias refers to the anchor that contains it; a value cannot contain itself"
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: c: d\n", 2, "a ':' where no new key can start"),
        ("a:\n\t- b\n", 2, "tab characters cannot indent YAML"),
        ("a:\n  b: 1\n c: 2\n", 3, "check the indentation"),
        ("a: *nothing\n", 1, "refers to an anchor (&name) that is not defined"),
        ("a: [1, 2\nb: 3\n", 2, "a list written in [ ] is not closed"),
        ("a: @home\n", 1, "a value cannot start with '@'; put the value in quotes"),
        ('a: "open\nb: 1\n', 3, "a quote is not closed"),
        ("a: 1\n---\nb: 2\n", 2, "remove the extra '---'"),
    ],
)
def test_syntax_errors_name_file_and_line(
    write: WriteFile, text: str, line: int, words: str
) -> None:
    path = write("broken.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load(path)
    (issue,) = caught.value.issues
    assert (issue.file, issue.line) == (str(path), line)
    assert issue.message.startswith("YAML syntax error: ")
    assert words in issue.message


def test_text_that_is_not_utf8_is_reported_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: ok\nplace: Koz\xe1ni\n")
    assert issues_of(path) == ["latin.yaml:2: this file is not UTF-8 text; save it as UTF-8"]


def test_keys_must_be_plain_values(write: WriteFile) -> None:
    path = write("a.yaml", "? [a, b]\n: 1\n")
    assert issues_of(path) == [
        "a.yaml:1: a key must be plain text or a number, not a tagged value, a list or a mapping"
    ]


def test_unsupported_yaml_types_are_refused(write: WriteFile) -> None:
    path = write("a.yaml", "s: !!set {a, b}\n")
    assert issues_of(path) == ["a.yaml:1: the YAML type '!!set' is not supported here"]


def test_a_file_outside_the_roots_is_not_loaded(write: WriteFile, tmp_path: Path) -> None:
    path = write("outside/a.yaml", "a: 1\n")
    with pytest.raises(ConfigError, match="lies outside the configuration folders"):
        load_yaml(path, roots=[tmp_path / "config"])


def test_yaml_files_lists_a_folder_sorted_recursive_without_hidden_or_secrets(
    write: WriteFile, tmp_path: Path
) -> None:
    for name in ("b.yaml", "a.yaml", "sub/c.yaml", ".hidden.yaml", ".git/x.yaml",
                 "secrets.yaml", "notes.txt"):
        write(f"rules/{name}", "[]\n")
    rules = tmp_path / "rules"
    assert yaml_files(rules) == [rules / "a.yaml", rules / "b.yaml", rules / "sub" / "c.yaml"]


def test_load_yaml_files_keeps_going_past_a_broken_file(write: WriteFile, tmp_path: Path) -> None:
    good = write("rules/good.yaml", "- id: a\n")
    bad = write("rules/bad.yaml", "- id: b\n  x: [\n")
    also_good = write("rules/z.yaml", "- id: c\n")
    loaded, issues = load_yaml_files([bad, good, also_good], roots=[tmp_path / "rules"])
    assert [path for path, _ in loaded] == [good, also_good]
    assert loaded[0][1] == [{"id": "a"}]
    assert [issue.file for issue in issues] == [str(bad)]

