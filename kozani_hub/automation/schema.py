"""The JSON Schema (draft 2020-12) of a rule file, for `kozani-hub schema` and editors.

It is built from the same pydantic models that check rules at load, so the two never
disagree. Legacy spellings (`platform:`, `service:`, `trigger:` as the rule's list...) are
described too, so an editor accepts every file the hub accepts.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .actions import ACTIONS
from .actions.blocks import RepeatOptions
from .actions.flow import ChooseOption
from .conditions import CONDITIONS
from .fields import REF
from .rule import RuleConfig
from .triggers import TRIGGERS

DRAFT = "https://json-schema.org/draft/2020-12/schema"


def _model(model: type[BaseModel], defs: dict[str, Any]) -> dict[str, Any]:
    schema = _refs(model.model_json_schema(by_alias=True, ref_template="#/$defs/{model}"))
    defs.update(schema.pop("$defs", {}))
    return schema  # type: ignore[no-any-return]


def _refs(value: Any) -> Any:
    """Turn the REF marks of the field types into JSON Schema $refs."""
    if isinstance(value, dict):
        out = {k: _refs(v) for k, v in value.items() if k != REF}
        if REF in value:
            out["$ref"] = f"#/$defs/{value[REF]}"
        return out
    if isinstance(value, list):
        return [_refs(v) for v in value]
    return value


def _either(schema: dict[str, Any], current: str, legacy: str) -> dict[str, Any]:
    """Allow `legacy` as another name of the required key `current`."""
    props = schema.setdefault("properties", {})
    if current in props:
        props[legacy] = {**props[current], "description": f"older name of '{current}'"}
    required = [k for k in schema.get("required", []) if k != current]
    if required:
        schema["required"] = required
    else:
        schema.pop("required", None)
    schema["anyOf"] = [{"required": [current]}, {"required": [legacy]}]
    return schema


def _one_or_list(name: str) -> dict[str, Any]:
    return {"anyOf": [{"$ref": f"#/$defs/{name}"},
                      {"type": "array", "items": {"$ref": f"#/$defs/{name}"}}]}


def rule_json_schema() -> dict[str, Any]:
    """A JSON Schema of a rule file: a list of rules (or one rule) in Home Assistant syntax."""
    defs: dict[str, Any] = {}
    triggers = []
    for name, trigger in TRIGGERS.items():
        if name == "homeassistant":
            continue
        key = trigger.Config.__name__
        defs[key] = _either(_model(trigger.Config, defs), "trigger", "platform")
        triggers.append({"$ref": f"#/$defs/{key}"})
    conditions: list[dict[str, Any]] = [
        {"type": "string", "description": "a template: the condition holds when it is true"}
    ]
    for condition in dict.fromkeys(CONDITIONS.values()):
        key = condition.Config.__name__
        defs[key] = _model(condition.Config, defs)
        conditions.append({"$ref": f"#/$defs/{key}"})
    for short in ("and", "or", "not"):
        conditions.append({
            "type": "object", "required": [short], "additionalProperties": False,
            "properties": {short: {"$ref": "#/$defs/conditions"}, "alias": {"type": "string"},
                           "enabled": {"type": "boolean"}},
        })
    actions: list[dict[str, Any]] = []
    for step_key, step in ACTIONS.items():
        if step_key == "condition":
            actions.append({"$ref": "#/$defs/condition"})
            continue
        key = step.Config.__name__
        schema = _model(step.Config, defs)
        if step_key == "action":
            schema = _either(schema, "action", "service")
            schema["properties"]["data_template"] = {
                **schema["properties"]["data"], "description": "older name of 'data'"
            }
        defs[key] = schema
        actions.append({"$ref": f"#/$defs/{key}"})
    for model in (ChooseOption, RepeatOptions):
        defs[model.__name__] = _model(model, defs)
    rule = _model(RuleConfig, defs)
    for current, legacy in (("triggers", "trigger"), ("conditions", "condition"),
                            ("actions", "action")):
        rule["properties"][legacy] = {**rule["properties"][current],
                                      "description": f"older name of '{current}'"}
    rule["required"] = []
    rule["allOf"] = [
        {"anyOf": [{"required": ["triggers"]}, {"required": ["trigger"]}]},
        {"anyOf": [{"required": ["actions"]}, {"required": ["action"]}]},
    ]
    rule.pop("required")
    defs["RuleConfig"] = rule
    defs["BlueprintRule"] = {
        "type": "object",
        "title": "A rule made from a blueprint",
        "required": ["use_blueprint"],
        "properties": {
            "use_blueprint": {
                "type": "object",
                "required": ["path"],
                "additionalProperties": False,
                "properties": {
                    "path": {"type": "string", "description": "a file in rules/blueprints/"},
                    "input": {"type": "object", "description": "the blueprint's inputs"},
                },
            },
            **{k: v for k, v in rule["properties"].items() if k in ("id", "alias", "description",
                                                                   "mode", "max", "initial_state",
                                                                   "missed", "controls")},
        },
    }
    defs.update({
        "trigger": {"anyOf": triggers},
        "triggers": _one_or_list("trigger"),
        "condition": {"anyOf": conditions},
        "conditions": _one_or_list("condition"),
        "action": {"anyOf": actions},
        "actions": _one_or_list("action"),
        "rule": {"anyOf": [{"$ref": "#/$defs/RuleConfig"}, {"$ref": "#/$defs/BlueprintRule"}]},
    })
    return {
        "$schema": DRAFT,
        "title": "Kozani Hub rule file",
        "description": "Rules in Home Assistant automation syntax: a list of rules, each with "
                       "triggers, conditions and actions.",
        "anyOf": [
            {"type": "array", "items": {"$ref": "#/$defs/rule"}},
            {"$ref": "#/$defs/rule"},
            {
                "type": "object",
                "description": "Home Assistant's configuration.yaml form: automation:, "
                               "automation 2:, ...",
                "minProperties": 1,
                "patternProperties": {"^automation( .*)?$": {"anyOf": [
                    {"type": "array", "items": {"$ref": "#/$defs/rule"}},
                    {"$ref": "#/$defs/rule"},
                ]}},
                "additionalProperties": False,
            },
        ],
        "$defs": defs,
    }
