"""Subset matching: what a technician writes under `expect:` against what the hub did."""

from __future__ import annotations

from datetime import UTC, datetime

from kozani_hub.testing.matching import match, matches


def test_listed_keys_must_match_and_extra_keys_are_allowed() -> None:
    actual = {"brightness_pct": 50, "transition": 30}
    assert matches({"brightness_pct": 50}, actual)
    assert [str(m) for m in match({"brightness_pct": 100}, actual)] == [
        "brightness_pct: expected the number 100, got the number 50"
    ]


def test_a_missing_key_is_named() -> None:
    found = match({"data": {"transition": 5}}, {"data": {}})
    assert [str(m) for m in found] == [
        "data.transition: expected the number 5, got nothing (the key is absent)"
    ]


def test_numbers_compare_by_value_but_strings_stay_strings() -> None:
    assert matches(50, 50.0)
    assert matches(50.0, 50)
    assert not matches("50", 50)
    assert not matches(50, "50")
    assert [str(m) for m in match({"code": "0042"}, {"code": 42})] == [
        "code: expected the string '0042', got the number 42"
    ]


def test_booleans_are_not_numbers() -> None:
    assert matches(True, True)
    assert not matches(True, 1)
    assert not matches(0, False)


def test_an_entity_id_string_matches_inside_a_target_list() -> None:
    actual = {"target": {"entity_id": ["light.a", "light.b"]}}
    assert matches({"target": {"entity_id": "light.b"}}, actual)
    assert matches({"target": {"entity_id": ["light.b", "light.a"]}}, actual)
    found = match({"target": {"entity_id": "light.c"}}, actual)
    assert [str(m) for m in found] == [
        "target.entity_id: expected light.c among the targets, got light.a, light.b"
    ]


def test_lists_other_than_entity_ids_match_item_by_item() -> None:
    assert matches({"rgb": [255, 0, 0]}, {"rgb": [255.0, 0, 0]})
    assert not matches({"rgb": [255, 0]}, {"rgb": [255, 0, 0]})
    assert [str(m) for m in match([{"a": 1}], [{"a": 2, "b": 3}])] == [
        "[0].a: expected the number 1, got the number 2"
    ]


def test_an_iso_time_matches_the_same_instant() -> None:
    when = datetime(2026, 1, 15, 22, 0, tzinfo=UTC)
    assert matches("2026-01-16T00:00:00+02:00", when)
    assert not matches("2026-01-16T00:00:01+02:00", when)
