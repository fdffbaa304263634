"""`kozani-hub schema`: every rule file in the repository validates against it, and it catches
what an editor should underline."""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from kozani_hub.cli import main as cli_main

ROOT = Path(__file__).resolve().parents[2]
BLUEPRINTS = "blueprints"
ALERT_FILES = ".alerts.yaml"  # alert definitions beside the rules; the rules engine skips them


def rule_files() -> list[Path]:
    """The shipped rule library and the rule files the scenarios run, blueprints and alert
    files left out."""
    folders = [ROOT / "rules", *sorted((ROOT / "tests" / "scenarios" / "configs").glob("*/rules"))]
    found: list[Path] = []
    for folder in folders:
        if folder.is_dir():
            found.extend(
                p
                for p in sorted(folder.rglob("*.yaml"))
                if BLUEPRINTS not in p.relative_to(folder).parts
                and not p.name.endswith(ALERT_FILES)
            )
    return found


@pytest.fixture(scope="module")
def validator() -> Any:
    """The schema exactly as `kozani-hub schema` prints it."""
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert cli_main(["schema"]) == 0
    schema = json.loads(printed.getvalue())
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    return jsonschema.Draft202012Validator(schema)


def test_there_are_rule_files_to_check() -> None:
    assert len(rule_files()) >= 10


@pytest.mark.parametrize("path", rule_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_rule_file_validates(path: Path, validator: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


def test_a_misspelled_key_and_a_wrong_type_are_caught(validator: Any) -> None:
    rule = {
        "id": "bad",
        "triggers": [{"trigger": "state", "entity_id": "sensor.a", "too": "on"}],
        "actions": [{"action": "light.turn_on", "data": {"brightness_pct": 50}}],
    }
    assert not validator.is_valid([rule])
    rule["triggers"] = [{"trigger": "numeric_state", "entity_id": "sensor.a", "above": [1]}]
    assert not validator.is_valid([rule])
    rule["triggers"] = [{"trigger": "numeric_state", "entity_id": "sensor.a", "above": 1}]
    assert validator.is_valid([rule])
