"""The reference rules workload of `kozani-hub bench`.

N rules, rule i watching `sensor.s{i}`: even i a `state` trigger `to: "on"`, odd i a
`numeric_state` trigger `above: 50`; each with the same template condition and one action
calling `bench.hit` with `data: {idx: i}`; mode parallel, max 100000. M state changes go
round-robin over the N sensors, alternating a reset value (`off` / `10`) and a trigger value
(`on` / `90`), yielding to the event loop after every change, so half of them fire a rule.

Everything goes the way `kozani-hub run` goes: the rules are YAML files read by the rule
loader, the changes go through the state machine, the actions through the service registry.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

RULES_PER_FILE = 500
CONDITION = "{{ trigger.to_state.state == 'on' or (trigger.to_state.state | float(0)) > 50 }}"


def entity_id(index: int) -> str:
    return f"sensor.s{index}"


def reset_value(index: int) -> str:
    return "off" if index % 2 == 0 else "10"


def trigger_value(index: int) -> str:
    return "on" if index % 2 == 0 else "90"


def rule_yaml(index: int) -> str:
    """Rule `index` of the workload, as a technician would write it."""
    if index % 2 == 0:
        trigger = f'    - trigger: state\n      entity_id: {entity_id(index)}\n      to: "on"\n'
    else:
        trigger = (
            f"    - trigger: numeric_state\n      entity_id: {entity_id(index)}\n      above: 50\n"
        )
    return (
        f"- id: bench_{index}\n"
        "  mode: parallel\n"
        "  max: 100000\n"
        "  triggers:\n"
        f"{trigger}"
        "  conditions:\n"
        "    - condition: template\n"
        f'      value_template: "{CONDITION}"\n'
        "  actions:\n"
        "    - action: bench.hit\n"
        f"      data: {{ idx: {index} }}\n"
    )


def write_rules(folder: Path, count: int) -> list[Path]:
    """Write the `count` rules as YAML files into `folder`; return the files."""
    folder.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    for first in range(0, count, RULES_PER_FILE):
        path = folder / f"bench_{first // RULES_PER_FILE:03d}.yaml"
        last = min(count, first + RULES_PER_FILE)
        path.write_text("".join(rule_yaml(i) for i in range(first, last)), encoding="utf-8")
        files.append(path)
    return files


def changes(count: int, rules: int, *, first_visit: int = 0) -> Iterator[tuple[int, str]]:
    """`count` changes (rule index, new state) round-robin over `rules` sensors.

    Each sensor alternates: its visits `first_visit`, `first_visit + 2`, ... set the trigger
    value and the others the reset value, so every other change of a sensor fires its rule.
    """
    for number in range(count):
        index = number % rules
        visit = first_visit + number // rules
        yield index, trigger_value(index) if visit % 2 == 0 else reset_value(index)
