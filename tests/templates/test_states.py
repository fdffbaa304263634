"""The state helpers read like Home Assistant's and report what they read."""

from __future__ import annotations

import pytest

from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine, TemplateError

from .conftest import Render


@pytest.fixture(autouse=True)
def district(hub: Hub) -> None:
    hub.states.set(
        "sensor.tank_level",
        "1.25",
        {"unit_of_measurement": "m", "friendly_name": "Tank level", "display_precision": 1},
    )
    hub.states.set("light.dimokratias_01", "on", {"brightness": 128})
    hub.states.set("light.dimokratias_02", "off")
    hub.states.set("binary_sensor.motion", "unavailable")
    hub.states.set(
        "group.street", "on", {"entity_id": ["light.dimokratias_01", "light.dimokratias_02"]}
    )


def test_states_reads_a_state_and_unknown_for_a_missing_entity(render: Render) -> None:
    assert render("{{ states('light.dimokratias_01') }}") == "on"
    assert render("{{ states('sensor.no_such_sensor') }}") == "unknown"
    assert render("{{ states('sensor.tank_level') }}") == 1.25


def test_states_rounded_and_with_unit(render: Render) -> None:
    assert render("{{ states('sensor.tank_level', rounded=True) }}") == 1.2
    assert render("{{ states('sensor.tank_level', with_unit=True) }}") == "1.2 m"


def test_states_by_attribute_exposes_the_state_object(render: Render) -> None:
    assert render("{{ states.light.dimokratias_01.state }}") == "on"
    assert render("{{ states.light.dimokratias_01.attributes.brightness }}") == 128
    assert render("{{ states.light.dimokratias_01['state'] }}") == "on"
    assert render("{{ states.sensor.tank_level.name }}") == "Tank level"
    assert render("{{ states.light.dimokratias_02.name }}") == "dimokratias 02"
    assert render("{{ states.sensor.tank_level.domain }}") == "sensor"
    assert render("{{ states.sensor.tank_level.object_id }}") == "tank_level"
    assert render("{{ states.sensor.tank_level.state_with_unit }}") == "1.25 m"
    assert render("{{ states.sensor.tank_level.last_changed.isoformat() }}") == (
        "2026-01-15T10:00:00+00:00"
    )
    assert render("{{ states.sensor.tank_level.context.id is match('^[0-9a-f]{24}$') }}") is True
    assert render("{{ states.light.no_such_lamp }}") is None
    assert render("{{ states['light.dimokratias_01'].state }}") == "on"


def test_an_invalid_entity_id_by_attribute_is_an_error(render: Render) -> None:
    with pytest.raises(TemplateError, match="invalid domain name 'Light'"):
        render("{{ states.Light.x }}")


def test_iterating_a_domain_and_all_states_in_entity_id_order(render: Render) -> None:
    assert render("{{ states.light | map(attribute='entity_id') | list }}") == [
        "light.dimokratias_01",
        "light.dimokratias_02",
    ]
    assert render("{{ states.light | count }}") == 2
    assert render("{{ states | count }}") == 5
    assert render("{{ (states | first).entity_id }}") == "binary_sensor.motion"
    assert render("{{ states.light | selectattr('state', 'eq', 'on') | list | count }}") == 1


def test_is_state_state_attr_and_has_value(render: Render) -> None:
    assert render("{{ is_state('light.dimokratias_01', 'on') }}") is True
    assert render("{{ is_state('light.dimokratias_01', ['off', 'on']) }}") is True
    assert render("{{ is_state('light.nowhere', 'on') }}") is False
    assert render("{{ state_attr('light.dimokratias_01', 'brightness') }}") == 128
    assert render("{{ state_attr('light.nowhere', 'brightness') }}") is None
    assert render("{{ is_state_attr('light.dimokratias_01', 'brightness', 128) }}") is True
    assert render("{{ is_state_attr('light.dimokratias_01', 'brightness', 1) }}") is False
    assert render("{{ has_value('light.dimokratias_02') }}") is True
    assert render("{{ has_value('binary_sensor.motion') }}") is False
    assert render("{{ has_value('light.nowhere') }}") is False


def test_state_helpers_as_filters_and_tests(render: Render) -> None:
    assert render("{{ 'light.dimokratias_01' | is_state('on') }}") is True
    assert render("{{ 'light.dimokratias_01' is is_state('on') }}") is True
    assert render("{{ 'sensor.tank_level' | states }}") == 1.25
    assert render("{{ 'light.dimokratias_01' | state_attr('brightness') }}") == 128
    assert render("{{ 'light.dimokratias_02' is has_value }}") is True


def test_state_filters_are_not_frozen_at_compile_time(engine: TemplateEngine, hub: Hub) -> None:
    template = engine.compile("{{ 'light.dimokratias_02' | is_state('on') }}")
    assert template.render() is False
    hub.states.set("light.dimokratias_02", "on")
    assert template.render() is True


def test_expand_replaces_groups_by_their_members(render: Render) -> None:
    assert render("{{ expand('group.street') | map(attribute='entity_id') | list }}") == [
        "light.dimokratias_01",
        "light.dimokratias_02",
    ]
    assert (
        render(
            "{{ expand(['sensor.tank_level', states.light.dimokratias_02, 'x.missing'])"
            " | map(attribute='entity_id') | join(',') }}"
        )
        == "light.dimokratias_02,sensor.tank_level"
    )


def test_expand_survives_a_group_that_contains_itself(hub: Hub, render: Render) -> None:
    hub.states.set("group.loop", "on", {"entity_id": ["group.loop", "light.dimokratias_02"]})
    assert render("{{ expand('group.loop') | map(attribute='entity_id') | list }}") == [
        "light.dimokratias_02"
    ]


def test_trigger_variables_carry_state_objects(hub: Hub, render: Render) -> None:
    new = hub.states.get("light.dimokratias_01")
    assert render("{{ trigger.to_state.attributes.brightness }}", trigger={"to_state": new}) == 128


# --- what a render read ---------------------------------------------------------------------


def test_render_info_lists_the_entities_read(engine: TemplateEngine) -> None:
    info = engine.compile(
        "{{ states('sensor.tank_level') | float > 1 and is_state('light.dimokratias_01', 'on')"
        " and states.light.missing is none and state_attr('light.dimokratias_02', 'x') is none"
        " and has_value('binary_sensor.motion') == false }}"
    ).render_with_info()
    assert info.result is True
    assert info.entities == {
        "sensor.tank_level",
        "light.dimokratias_01",
        "light.missing",
        "light.dimokratias_02",
        "binary_sensor.motion",
    }
    assert info.domains == frozenset()
    assert not info.all_states
    assert not info.uses_now
    assert info.watches("light.missing")
    assert not info.watches("light.elsewhere")


def test_render_info_reports_domains_and_all_states(engine: TemplateEngine) -> None:
    info = engine.compile("{{ states.light | list | count }}").render_with_info()
    assert info.domains == {"light"}
    assert info.watches("light.new_one")
    assert not info.watches("switch.pump")
    everything = engine.compile("{% for s in states %}{{ s.entity_id }}{% endfor %}")
    assert everything.render_with_info().all_states


def test_render_info_follows_the_branch_taken(engine: TemplateEngine, hub: Hub) -> None:
    template = engine.compile(
        "{% if is_state('light.dimokratias_01', 'on') %}{{ states('sensor.tank_level') }}"
        "{% else %}{{ states('light.dimokratias_02') }}{% endif %}"
    )
    assert template.render_with_info().entities == {"light.dimokratias_01", "sensor.tank_level"}
    hub.states.set("light.dimokratias_01", "off")
    assert template.render_with_info().entities == {"light.dimokratias_01", "light.dimokratias_02"}


def test_render_info_of_a_failed_render_keeps_what_was_read(engine: TemplateEngine) -> None:
    info = engine.compile("{{ states('light.dimokratias_01') | float }}").render_with_info()
    assert info.result is None
    assert isinstance(info.error, TemplateError)
    assert info.entities == {"light.dimokratias_01"}


def test_render_info_reports_uses_now(engine: TemplateEngine) -> None:
    assert engine.compile("{{ now().hour }}").render_with_info().uses_now
    assert engine.compile("{{ utcnow().hour }}").render_with_info().uses_now
    assert engine.compile("{{ today_at('06:00') }}").render_with_info().uses_now
    assert not engine.compile("{{ 1 + 1 }}").render_with_info().uses_now
