"""Cutting a load's history into segments and crediting each to the rule whose run set it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from kozani_hub.core.context import Context
from kozani_hub.core.states import State
from kozani_hub.energy.segments import Kind, on_intervals, overlap, segments, union_hours

T0 = datetime.fromisoformat("2026-02-17T00:00:00+02:00")
DAY = T0 + timedelta(days=1)


def at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def state(entity_id: str, value: str, hours: float, context: str = "device",
          parent: str | None = None, **attributes: Any) -> State:
    when = at(hours)
    return State(entity_id, value, attributes, when, when, Context(context, parent))


RUNS = {"run-timetable": "timetable", "run-peak": "peak"}


def credit(owners: set[str]) -> Any:
    def attribute(s: State) -> str | None:
        for context_id in (s.context.id, s.context.parent_id):
            rule = RUNS.get(context_id or "")
            if rule in owners:
                return rule
        return None

    return attribute


def test_each_change_is_credited_to_the_run_that_made_it_until_the_next() -> None:
    history = [
        state("switch.heating", "on", -3, "device"),          # in force at the start
        state("switch.heating", "off", 8, "run-timetable"),
        state("switch.heating", "on", 10, "device"),
        state("switch.heating", "off", 15, "other-rule"),
    ]
    found = segments(history, T0, DAY, credit({"timetable"}))
    assert [(s.start, s.end, s.kind, s.rule_id) for s in found] == [
        (T0, at(8), Kind.ON, None),
        (at(8), at(10), Kind.OFF, "timetable"),
        (at(10), at(15), Kind.ON, None),
        (at(15), DAY, Kind.OFF, None),
    ]


def test_a_change_caused_by_a_declaring_rules_run_is_credited_to_it() -> None:
    # the peak limit sets a hold; the timetable, triggered by it, switches the load off
    history = [state("switch.water_heater", "off", 9, "run-x", parent="run-peak")]
    found = segments(history, T0, DAY, credit({"peak"}))
    assert found[0].rule_id == "peak"


def test_attribute_updates_do_not_cut_a_dimmed_lamps_segment() -> None:
    history = [
        state("light.lamp", "on", 1, "run-timetable", brightness=128, power=50),
        state("light.lamp", "on", 2, "device", brightness=128, power=49),
        state("light.lamp", "on", 3, "device", brightness=255, power=100),
    ]
    found = segments(history, T0, at(5), credit({"timetable"}))
    assert [(s.start, s.end, s.rule_id) for s in found] == [
        (at(1), at(3), "timetable"), (at(3), at(5), None)]
    assert found[0].level == 128 / 255


def test_a_setpoint_set_lower_than_it_was_is_lowered() -> None:
    history = [
        state("number.setpoint", "20.0", 0.5),
        state("number.setpoint", "16.0", 14, "run-timetable"),
        state("number.setpoint", "20.0", 30, "run-timetable"),
    ]
    found = segments(history, T0, at(36), credit({"timetable"}))
    assert [(s.kind, s.rule_id) for s in found] == [
        (Kind.RAISED, None), (Kind.LOWERED, "timetable"), (Kind.RAISED, "timetable")]


def test_unavailable_ends_a_segment_without_starting_one() -> None:
    history = [state("switch.fan", "off", 1, "run-timetable"),
               state("switch.fan", "unavailable", 2)]
    assert [(s.start, s.end) for s in segments(history, T0, at(4), credit({"timetable"}))] == [
        (at(1), at(2))]


def test_schedule_hours_overlap_and_union() -> None:
    hours = on_intervals([state("schedule.open", "off", -10), state("schedule.open", "on", 6),
                          state("schedule.open", "off", 17)], T0, DAY)
    assert hours == [(at(6), at(17))]
    assert overlap(at(8), DAY, hours) == 9.0
    assert union_hours([(at(1), at(3)), (at(2), at(4)), (at(6), at(7))]) == 4.0
