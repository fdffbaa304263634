"""Bad alert configuration is reported as FILE:LINE: message, every problem at once."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from kozani_hub.alerts.setup import alert_issues
from kozani_hub.bootstrap import hub_from_config
from kozani_hub.commands.check import check_config
from kozani_hub.config.errors import ConfigError
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.testing import run_scenario

HUB = """\
hub: {name: Test, latitude: 40.3, longitude: 21.79}
alerts:
  notifiers:
    app: {type: log}
  people:
    maria: {contacts: [{notifier: app, address: maria}]}
  groups:
    nurses: [maria]
  policies:
    care: {steps: [{notify: [maria]}]}
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def problems(folder: Path) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_hub_config(folder)
    return [str(i) for i in caught.value.issues]


def test_unknown_names_are_reported_where_they_were_written(tmp_path: Path) -> None:
    write(tmp_path, "hub.yaml", HUB + """\
  rotas:
    night: [{from: "22:00", to: "07:00", people: [nikos]}]
  definitions:
    - id: sos
      policy: carre
    - id: door
      policy: care
"""
    ).write_text((tmp_path / "hub.yaml").read_text().replace(
        "address: maria}]}", "address: maria}, {notifier: sms, address: x}]}").replace(
        "notify: [maria]", "notify: [maria, group.nurse, rota.nights, notifier.app]"))
    file = tmp_path / "hub.yaml"
    assert problems(tmp_path) == [
        f"{file}:6: unknown notifier 'sms'; the notifiers are app",
        f"{file}:10: unknown group 'nurse'; did you mean 'nurses'?",
        f"{file}:10: unknown rota 'nights'; did you mean 'night'?",
        f"{file}:12: unknown person 'nikos'; the people are maria",
        f"{file}:15: unknown escalation policy 'carre'; did you mean 'care'?",
    ]


def test_a_wrong_type_a_bad_template_and_an_unknown_notifier_type(tmp_path: Path) -> None:
    write(tmp_path, "hub.yaml", HUB.replace("{type: log}", "{type: sms}") + """\
  definitions:
    - id: sos
      severity: urgent
      title: "{{ resident "
      condition: {type: threshold, entity_id: sensor.level}
""")
    file = tmp_path / "hub.yaml"
    found = problems(tmp_path)
    assert f"{file}:4: unknown notifier type 'sms'; the types are email, log, webhook" in found
    assert any(p.startswith(f"{file}:13: expected one of 'critical', 'high', 'medium' or 'low'")
               for p in found), found
    assert any(p.startswith(f"{file}:14: template syntax error") for p in found), found
    assert any(p.startswith(f"{file}:15: a threshold needs 'above', 'below', or both")
               for p in found), found


def test_alert_files_in_the_rule_folders_are_checked_against_hub_yaml(tmp_path: Path) -> None:
    write(tmp_path, "hub.yaml", HUB.replace("hub: {", "hub: {rules: rules, ") + """\
  definitions:
    - id: sos
      policy: care
""")
    alerts = write(tmp_path, "rules/care.alerts.yaml", """\
        - id: door
          policy: care
          condition: {type: state, entity_id: binary_sensor.door, state: "on"}
        - id: sos
          policy: nurses_on_call
        - id: door
        """)
    write(tmp_path, "rules/lights.yaml", "[]\n")
    loaded = load_hub_config(tmp_path)
    assert [str(i) for i in alert_issues(loaded)] == [
        f"{alerts}:4: alert id 'sos' is already used by {tmp_path / 'hub.yaml'} (alerts: "
        "definitions); ids must be unique",
        f"{alerts}:5: unknown escalation policy 'nurses_on_call'; the escalation policies are "
        "care",
        f"{alerts}:6: alert id 'door' is already used by item 1 of this list; ids must be unique",
    ]
    with pytest.raises(ConfigError):
        hub_from_config(loaded, with_integrations=False, with_http=False, with_recorder=False)
    # The rules engine leaves alert files alone: no "not a rule" problems from it.
    assert all("care.alerts.yaml" in str(i) or "hub.yaml" in str(i)
               for i in check_config(tmp_path))


def test_a_duration_that_is_not_one(tmp_path: Path) -> None:
    write(tmp_path, "hub.yaml", HUB.replace("hub: {", "hub: {rules: rules, "))
    alerts = write(tmp_path, "rules/a.alerts.yaml", """\
        - id: door
          on_delay: soon
        """)
    issues = [str(i) for i in alert_issues(load_hub_config(tmp_path))]
    assert len(issues) == 1
    assert issues[0].startswith(f"{alerts}:2: expected a duration such as")


async def test_a_scenario_on_a_broken_alert_file_fails_with_the_problem(tmp_path: Path) -> None:
    write(tmp_path, "config/hub.yaml", HUB.replace("hub: {", "hub: {rules: rules, "))
    write(tmp_path, "config/rules/a.alerts.yaml", "- {id: door, policy: nobody}\n")
    scenario = write(tmp_path, "door.yaml", """\
        config: config
        steps: [ { expect: { alerts: { door: normal } } } ]
        """)
    result = await run_scenario(scenario)
    assert not result.passed
    assert "a.alerts.yaml:1: unknown escalation policy 'nobody'" in str(result.problem)
