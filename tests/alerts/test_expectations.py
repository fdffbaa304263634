"""The `alerts:`, `notifications:` and `no_notifications:` expectations of scenario files: what
they accept, and what a failure tells the technician."""

from __future__ import annotations

import textwrap
from pathlib import Path

from kozani_hub.testing import render_result, run_scenario

CONFIG = Path(__file__).parents[1] / "scenarios" / "configs" / "alerts"


def scenario(tmp_path: Path, steps: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text(f"config: {CONFIG}\nstart: \"2026-01-15T03:12:00+02:00\"\n"
                    "states: {binary_sensor.resident_r01_sos: 'off'}\nsteps:\n"
                    + textwrap.indent(textwrap.dedent(steps), "  "), encoding="utf-8")
    return path


async def test_a_notification_to_someone_else_shows_who_was_told_instead(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
        - set: { binary_sensor.resident_r01_sos: "on" }
        - expect: { notifications: [ { target: maria, severity: critical } ] }
        """)
    result = await run_scenario(path)
    text = render_result(result)
    assert not result.passed
    assert "notification 1 of 1 was not sent: {target: maria, severity: critical}" in text
    assert "nikos (via rota.care_on_call) on app: [critical] SOS: Kyria Eleni" in text
    assert "target: expected 'maria' among nikos, app, rota.care_on_call, care_on_call" in text


async def test_an_alert_in_another_state_is_shown_with_its_attributes(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
        - set: { binary_sensor.resident_r01_sos: "on" }
        - expect: { alerts: { resident_r01_sos: acknowledged } }
        """)
    text = render_result(await run_scenario(path))
    assert "alert.resident_r01_sos state: expected the string 'acknowledged', got the string " \
        "'active'" in text


async def test_no_notifications_lists_what_was_sent(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
        - set: { binary_sensor.resident_r01_sos: "on" }
        - expect: { no_notifications: [ { target: care_on_call } ] }
        """)
    text = render_result(await run_scenario(path))
    assert "1 notification(s) were sent that the scenario says must not be" in text


async def test_a_misspelled_key_is_reported_at_its_line(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
        - expect:
            notifications:
              - { target: nikos, titel: SOS }
        """)
    result = await run_scenario(path)
    assert f"{path}:7: unknown key 'titel' in an expected notification; did you mean " \
        "'title'?" in str(result.problem)


async def test_alert_ids_may_be_written_with_or_without_their_domain(tmp_path: Path) -> None:
    path = scenario(tmp_path, """\
        - expect: { alerts: { resident_r01_sos: normal, alert.tank_north_low: normal } }
        """)
    result = await run_scenario(path)
    assert result.passed, render_result(result)
