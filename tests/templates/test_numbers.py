"""Number helpers behave as in Home Assistant: defaults, and clear errors without one."""

from __future__ import annotations

import pytest

from kozani_hub.templates import TemplateError

from .conftest import Render


def test_float_and_int_convert_text(render: Render) -> None:
    assert render("{{ '1.5' | float }}") == 1.5
    assert render("{{ float('2') }}") == 2.0
    assert render("{{ '42.7' | int }}") == 42
    assert render("{{ int('ff', base=16) }}") == 255
    assert render("{{ 'ff' | int(base=16) }}") == 255


@pytest.mark.parametrize(
    "source",
    [
        "{{ 'unavailable' | float }}",
        "{{ float('unavailable') }}",
        "{{ 'abc' | int }}",
        "{{ int(none) }}",
        "{{ 'maybe' | bool }}",
        "{{ 'x' | round }}",
        "{{ 'x' | multiply(2) }}",
        "{{ 'x' | log }}",
        "{{ 'x' | sqrt }}",
        "{{ average([]) }}",
    ],
)
def test_a_conversion_without_default_fails_with_a_clear_message(
    render: Render, source: str
) -> None:
    with pytest.raises(TemplateError, match="got invalid input .* and no default was given"):
        render(source)


def test_the_error_names_the_value_it_could_not_convert(render: Render) -> None:
    with pytest.raises(TemplateError) as caught:
        render("{{ states('sensor.missing') | float }}")
    assert str(caught.value).startswith("float got invalid input 'unknown'")


def test_a_default_is_used_when_the_input_is_invalid(render: Render) -> None:
    assert render("{{ 'unavailable' | float(0) }}") == 0
    assert render("{{ float('x', -1) }}") == -1
    assert render("{{ 'abc' | int(7) }}") == 7
    assert render("{{ 'maybe' | bool(false) }}") is False
    assert render("{{ 'x' | round(1, default=3) }}") == 3
    assert render("{{ average([], 5) }}") == 5


def test_bool_accepts_the_words_home_assistant_accepts(render: Render) -> None:
    assert (
        render("{{ ['on', 'YES', 'true', 'enable', '1', 1] | map('bool') | list }}") == [True] * 6
    )
    assert (
        render("{{ ['off', 'no', 'False', 'disable', '0', 0] | map('bool') | list }}")
        == [False] * 6
    )


def test_is_number(render: Render) -> None:
    assert render("{{ '3.5' | is_number }}") is True
    assert render("{{ is_number('nan') }}") is False
    assert render("{{ 'abc' is is_number }}") is False


def test_round_methods(render: Render) -> None:
    assert render("{{ 2.5678 | round(2) }}") == 2.57
    assert render("{{ 2.5 | round }}") == 2
    assert render("{{ 2.12 | round(1, 'ceil') }}") == 2.2
    assert render("{{ 2.18 | round(1, 'floor') }}") == 2.1
    assert render("{{ 2.3 | round(1, 'half') }}") == 2.5


def test_math_helpers(render: Render) -> None:
    assert render("{{ 3 | multiply(2) }}") == 6.0
    assert render("{{ 100 | log(10) }}") == 2.0
    assert render("{{ (pi / 2) | sin }}") == 1.0
    assert render("{{ 16 | sqrt }}") == 4.0
    assert render("{{ atan2(1, 1) | round(4) }}") == 0.7854
    assert render("{{ 12 | bitwise_and(10) }}") == 8
    assert render("{{ 12 | bitwise_or(3) }}") == 15


def test_min_max_average_median_mode(render: Render) -> None:
    assert render("{{ min(3, 1, 2) }}") == 1
    assert render("{{ max([3, 1, 2]) }}") == 3
    assert render("{{ [3, 1, 2] | min }}") == 1
    assert render("{{ average(1, 2, 6) }}") == 3.0
    assert render("{{ [1, 2, 6] | average }}") == 3.0
    assert render("{{ median([1, 9, 2]) }}") == 2
    assert render("{{ statistical_mode([1, 2, 2, 3]) }}") == 2
    with pytest.raises(TemplateError, match="min expected at least 1 argument"):
        render("{{ min() }}")


def test_iif(render: Render) -> None:
    assert render("{{ iif(is_state('light.x', 'on'), 'lit', 'dark') }}") == "dark"
    assert render("{{ (5 > 3) | iif('yes', 'no') }}") == "yes"
    assert render("{{ iif(none, 'yes', 'no', 'unknown') }}") == "unknown"
    assert render("{{ iif(1) }}") is True


def test_is_defined_and_contains(render: Render) -> None:
    assert render("{{ 5 | is_defined }}") == 5
    with pytest.raises(TemplateError, match="'missing' is undefined"):
        render("{{ missing | is_defined }}")
    assert render("{{ [1, 2] | contains(2) }}") is True
    assert render("{{ 'kozani' is contains('zan') }}") is True
