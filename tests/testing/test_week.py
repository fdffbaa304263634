"""A week of simulated time with a few hundred rules: the scenario runs through it, every
scheduled rule fires each day, and nothing is lost on the way."""

from __future__ import annotations

from pathlib import Path

from kozani_hub.testing import render_result, run_scenario

STREETS = 100
HUB = """
hub:
  name: A week of a district
  latitude: 40.3007
  longitude: 21.7887
  elevation: 710
  time_zone: Europe/Athens
  rules: rules
"""


def district_rules() -> str:
    """Three rules a street (motion boost, quiet dimming, a nightly schedule): 300 rules."""
    rules = []
    for n in range(STREETS):
        rules.append(
            f"""
- id: street_{n}_boost
  triggers: {{ trigger: state, entity_id: binary_sensor.motion_{n}, to: "on" }}
  conditions: "{{{{ not is_state('light.street_{n}', 'unavailable') }}}}"
  actions:
    - action: light.turn_on
      target: {{ entity_id: light.street_{n} }}
      data: {{ brightness_pct: 100 }}
- id: street_{n}_quiet
  triggers: {{ trigger: state, entity_id: binary_sensor.motion_{n}, to: "off", for: "00:02:00" }}
  actions:
    - action: light.turn_on
      target: {{ entity_id: light.street_{n} }}
      data: {{ brightness_pct: 40 }}
- id: street_{n}_night
  triggers: {{ trigger: time, at: "{n % 24:02d}:{n % 60:02d}:00" }}
  actions:
    - action: switch.toggle
      target: {{ entity_id: switch.street_{n}_beacon }}
"""
        )
    return "".join(rules)


def week_scenario() -> str:
    states = "".join(
        f'  binary_sensor.motion_{n}: "off"\n  light.street_{n}: "off"\n'
        f'  switch.street_{n}_beacon: "off"\n'
        for n in range(STREETS)
    )
    steps = []
    for day in range(7):
        steps.append(f'  - at: "2026-01-{12 + day:02d}T21:00:00+02:00"')
        for n in range(0, STREETS, 10):
            steps.append(f'  - set: {{ binary_sensor.motion_{n}: "on" }}')
        steps.append("  - after: 30")
        for n in range(0, STREETS, 10):
            steps.append(f'  - set: {{ binary_sensor.motion_{n}: "off" }}')
        steps.append('  - after: "00:02:00"')
        calls = ", ".join(
            f"{{ action: light.turn_on, target: {{ entity_id: light.street_{n} }}, "
            "data: { brightness_pct: 40 } }"
            for n in range(0, STREETS, 10)
        )
        steps.append(f"  - expect: {{ calls: [ {calls} ] }}")
    # after seven days each beacon was toggled seven times: odd, so on
    beacons = ", ".join(f'switch.street_{n}_beacon: "on"' for n in range(STREETS))
    steps.append('  - at: "2026-01-19T00:00:00+02:00"')
    steps.append(f"  - expect: {{ states: {{ {beacons} }} }}")
    return (
        'name: A week of a district\nconfig: config\nstart: "2026-01-12T00:00:00+02:00"\n'
        f"states:\n{states}steps:\n" + "\n".join(steps) + "\n"
    )


async def test_a_week_with_three_hundred_rules(tmp_path: Path) -> None:
    config = tmp_path / "config"
    (config / "rules").mkdir(parents=True)
    (config / "hub.yaml").write_text(HUB)
    (config / "rules" / "district.yaml").write_text(district_rules())
    scenario = tmp_path / "week.yaml"
    scenario.write_text(week_scenario())
    result = await run_scenario(scenario)
    assert result.passed, render_result(result)
    assert result.steps_run == result.steps_total
