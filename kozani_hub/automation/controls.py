"""`controls:` — what a rule switches, dims or sets, declared for the energy review.

Energy and lighting rules list the loads they act on, with their rated power and the building
(or street) they belong to, so `kozani-hub energy report` can say how many hours each rule
held its loads and estimate what it saved. The key changes nothing in how a rule runs.

```yaml
- id: energy_school_heating_timetable
  controls:
    - entity_id: switch.school_1st_gymnasium_heating
      rated_watts: 15000                 # the load at full power
      building: school_1st_gymnasium     # its meter is sensor.<building>_energy
      schedule: schedule.school_1st_gymnasium_opening_hours   # optional: the hours the
                                         # load would run without this rule; time the rule
                                         # holds it off inside them counts as saved
  triggers: ...
```

Loads alike (a street's lamps of one rating) may share one item: `entity_id` takes a list,
and each of its entities is one load. A blueprint passes it on with `controls: !input controls`
(or builds it from its inputs: `entity_id: !input lamps`); a rule made from a blueprint may
also write `controls:` next to `use_blueprint:`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import Field, WithJsonSchema

from kozani_hub.config.marked import Mark
from kozani_hub.core.states import valid_entity_id

from .fields import Model
from .problems import Invalid, mark_of, show

_ENTITY = r"^[a-z0-9_]+\.[a-z0-9_]+$"  # for editors; loading uses valid_entity_id
_BUILDING = re.compile(r"^[a-z0-9][a-z0-9_]*$")

EntityId = Annotated[str, Field(pattern=_ENTITY)]


class ControlConfig(Model):
    """One load a rule acts on."""

    label = "controlled load"
    entity_id: EntityId | list[EntityId] = Field(
        description="the entity id of the load, such as 'switch.school_1st_gymnasium_heating', "
                    "or a list of the entity ids of like loads"
    )
    rated_watts: float = Field(ge=0, description="the load's rated power in watts, a number "
                                                 "of 0 or more")
    building: str = Field(pattern=_BUILDING.pattern, description="the id of the building or street the load "
                                                    "belongs to, such as 'school_1st_gymnasium'")
    schedule: EntityId | None = Field(None, description="an on/off entity (a schedule; for a "
                                                        "setpoint, the heating switch): the "
                                                        "hours the load would run without "
                                                        "this rule")


CONTROLS = ("the loads this rule switches, dims or sets: a list of entity_id, rated_watts, "
            "building (and optionally schedule)")
# Checked item by item in compile_controls, so each problem points at its own line; the
# JSON Schema still describes the items for editors.
Controls = Annotated[
    Any,
    WithJsonSchema({"anyOf": [{"type": "array", "items": ControlConfig.model_json_schema()},
                              {"type": "null"}], "description": CONTROLS}),
    Field(description=CONTROLS),
]


@dataclass(frozen=True, slots=True)
class Control:
    """A load a rule acts on, for the energy review."""

    entity_id: str
    rated_watts: float
    building: str
    schedule: str | None = None


def compile_controls(data: Any, mark: Mark) -> tuple[Control, ...]:
    """The checked `controls:` of a rule (absent or null: none); raise Invalid when wrong."""
    if data is None:
        return ()
    if not isinstance(data, list):
        raise Invalid(mark, f"'controls' must be a list of loads (entity_id, rated_watts, "
                            f"building), got {show(data)}")
    problems: list[tuple[Mark, str]] = []
    found: list[Control] = []
    for index, item in enumerate(data):
        where = mark_of(data, index, mark)
        try:
            found.extend(_controls(item, where))
        except Invalid as error:
            problems.extend(error.problems)
    if problems:
        raise Invalid.many(problems)
    return tuple(found)


def _controls(item: Any, mark: Mark) -> list[Control]:
    if not isinstance(item, dict):
        raise Invalid(mark, f"each item of 'controls' must be a mapping with entity_id, "
                            f"rated_watts and building, got {show(item)}")
    problems: list[tuple[Mark, str]] = []
    for key, field in ControlConfig.model_fields.items():
        if key not in item and field.is_required():
            problems.append((mark, f"a controlled load needs '{key}': "
                                   f"{field.description}"))
    for key, value in item.items():
        where = mark_of(item, key, mark)
        if key not in ControlConfig.model_fields:
            problems.append((where, f"unknown key '{key}' in a controlled load; it takes "
                                    "entity_id, rated_watts, building and schedule"))
        elif not _fits(str(key), value):
            problems.append((where, f"'{key}' of a controlled load must be "
                                    f"{ControlConfig.model_fields[key].description}, got "
                                    f"{show(value)}"))
    if problems:
        raise Invalid.many(problems)
    cfg = ControlConfig.model_validate(item)
    ids = cfg.entity_id if isinstance(cfg.entity_id, list) else [cfg.entity_id]
    return [Control(entity_id, cfg.rated_watts, cfg.building, cfg.schedule) for entity_id in ids]


def _fits(key: str, value: Any) -> bool:
    if key == "schedule" and value is None:
        return True
    if key == "entity_id" and isinstance(value, list):
        return bool(value) and all(isinstance(v, str) and valid_entity_id(v) for v in value)
    if key in ("entity_id", "schedule"):
        return isinstance(value, str) and valid_entity_id(value)
    if key == "rated_watts":
        return isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return isinstance(value, str) and _BUILDING.match(value) is not None
