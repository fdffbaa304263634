"""Validation errors, told at their lines in words a technician understands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import pytest
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from kozani_hub.config.errors import ConfigError
from kozani_hub.config.loader import load_yaml
from kozani_hub.config.validation import try_validate, validate
from tests.config.conftest import WriteFile

STRICT = ConfigDict(extra="forbid", frozen=True)


class Target(BaseModel):
    model_config = STRICT
    entity_id: str | list[str]


class TimeTrigger(BaseModel):
    model_config = STRICT
    trigger: Literal["time"]
    at: str


class StateTrigger(BaseModel):
    model_config = STRICT
    trigger: Literal["state"]
    entity_id: str
    to: str | None = None
    for_: str | None = Field(default=None, alias="for")


Trigger = Annotated[TimeTrigger | StateTrigger, Field(discriminator="trigger")]


class Action(BaseModel):
    model_config = STRICT
    action: str
    target: Target | None = None
    data: dict[str, int | str] = {}


class Rule(BaseModel):
    model_config = STRICT
    id: str
    mode: Literal["single", "restart", "queued", "parallel"] = "single"
    max: int = Field(default=10, ge=1)
    brightness: float = 1.0
    triggers: list[Trigger]
    actions: list[Action] = []


def problems(schema: Any, path: Path) -> list[str]:
    data = load_yaml(path, roots=[path.parent])
    model, issues = try_validate(schema, data, file=path)
    assert model is None
    return [f"{Path(issue.file).name}:{issue.line}: {issue.message}" for issue in issues]


def test_valid_data_gives_the_model(write: WriteFile) -> None:
    path = write("rule.yaml", """
        id: dim
        triggers:
          - trigger: time
            at: "00:00:00"
    """)
    rule = validate(Rule, load_yaml(path, roots=[path.parent]), file=path)
    assert rule.triggers == [TimeTrigger(trigger="time", at="00:00:00")]


def test_wrong_type_says_what_was_expected_and_found(write: WriteFile) -> None:
    path = write("rule.yaml", """
        id: dim
        max: many
        brightness: abc
        triggers: {trigger: time, at: "00:00"}
    """)
    assert problems(Rule, path) == [
        "rule.yaml:2: expected a whole number for 'max', found 'many'",
        "rule.yaml:3: expected a number for 'brightness', found 'abc'",
        "rule.yaml:4: expected a list for 'triggers', found a mapping",
    ]


def test_unknown_key_suggests_the_closest_field(write: WriteFile) -> None:
    path = write("rule.yaml", """
        id: dim
        triger: time
        triggers:
          - trigger: state
            entity_id: light.a
            fro: "00:05:00"
          - trigger: time
            at: "00:00"
            colour: red
    """)
    assert problems(Rule, path) == [
        "rule.yaml:2: unknown key 'triger'; did you mean 'triggers'?",
        "rule.yaml:6: unknown key 'fro'; did you mean 'for'?",
        "rule.yaml:9: unknown key 'colour'; the keys here are trigger, at",
    ]


def test_missing_key_is_reported_where_its_mapping_starts(write: WriteFile) -> None:
    path = write("rule.yaml", """
        id: dim
        triggers:
          - trigger: state
            to: "on"
          - trigger: time
    """)
    assert problems(Rule, path) == [
        "rule.yaml:3: missing required key 'entity_id'",
        "rule.yaml:5: missing required key 'at'",
    ]


def test_several_problems_are_reported_together_in_line_order(write: WriteFile) -> None:
    path = write("rule.yaml", """
        mode: restrat
        max: 0
        triggers:
          - trigger: stat
            entity_id: light.a
          - at: "00:00"
        actions:
          - action: light.turn_on
            target: {entity_id: [light.a, 5]}
            data: {brightness_pct: [50]}
    """)
    assert problems(Rule, path) == [
        "rule.yaml:1: missing required key 'id'",
        "rule.yaml:1: expected one of 'single', 'restart', 'queued' or 'parallel' for 'mode', "
        "found 'restrat'; did you mean 'restart'?",
        "rule.yaml:2: expected at least 1 for 'max', found 0",
        "rule.yaml:4: unknown trigger 'stat'; did you mean 'state'?",
        "rule.yaml:6: missing required key 'trigger'",
        "rule.yaml:9: expected text for item 2 of 'entity_id', found 5",
        "rule.yaml:10: expected a whole number or text for 'brightness_pct', found a list",
    ]


def test_problems_in_included_files_name_those_files(write: WriteFile) -> None:
    main = write("rule.yaml", "id: dim\ntriggers: !include triggers.yaml\n")
    write("triggers.yaml", "- trigger: time\n  at: 5\n")
    assert problems(Rule, main) == [
        "triggers.yaml:2: expected text for 'at', found 5",
    ]


def test_a_type_adapter_validates_lists_of_rules(write: WriteFile) -> None:
    path = write("rules.yaml", """
        - id: one
          triggers: []
        - id: two
          triggers: []
          moed: single
    """)
    assert problems(TypeAdapter(list[Rule]), path) == [
        "rules.yaml:5: unknown key 'moed'; did you mean 'mode'?",
    ]


def test_secrets_are_never_shown_in_messages(write: WriteFile) -> None:
    write("secrets.yaml", "pin: [1234]\nname: hunter22\n")
    path = write("rule.yaml", "id: !secret name\nmax: !secret name\ntriggers: []\n")
    assert problems(Rule, path) == [
        "rule.yaml:2: expected a whole number for 'max', found the secret 'name'",
    ]


def test_validate_raises_config_error_with_every_issue(write: WriteFile) -> None:
    path = write("rule.yaml", "max: x\n")
    with pytest.raises(ConfigError) as caught:
        validate(Rule, load_yaml(path, roots=[path.parent]), file=path)
    assert [issue.line for issue in caught.value.issues] == [1, 1, 1]
    assert str(caught.value).count("rule.yaml:1: ") == 3


def test_unmarked_data_falls_back_to_the_given_file_and_line() -> None:
    model, issues = try_validate(Rule, {"id": "x"}, file="rules/a.yaml", line=7)
    assert model is None
    assert [str(issue) for issue in issues] == ["rules/a.yaml:7: missing required key 'triggers'"]


def test_empty_document_is_a_missing_mapping(write: WriteFile) -> None:
    path = write("rule.yaml", "# nothing yet\n")
    data = load_yaml(path, roots=[path.parent])
    _, issues = try_validate(Rule, data, file=path)
    assert [issue.message for issue in issues] == [
        "expected a mapping (key: value), found nothing"
    ]
