"""Compiling, caching, result types and errors as a technician sees them."""

from __future__ import annotations

import pytest

from kozani_hub.templates import (
    Template,
    TemplateEngine,
    TemplateError,
    is_template_string,
    render_complex,
)

from .conftest import Render


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("{{ 5 }}", 5),
        ("{{ '5' }}", 5),
        ("{{ 1.5 }}", 1.5),
        ("{{ -3 }}", -3),
        ("{{ '[1, 2]' }}", [1, 2]),
        ("{{ {'a': 1} }}", {"a": 1}),
        ("{{ (1, 2) }}", (1, 2)),
        ("{{ true }}", True),
        ("{{ 'False' }}", False),
        ("{{ none }}", None),
        ("{{ 'on' }}", "on"),
        ("{{ '0123' }}", "0123"),
        ("{{ '1e5' }}", "1e5"),
        ("{{ '0x1f' }}", "0x1f"),
        ("{{ '\"quoted\"' }}", '"quoted"'),
        ("{{ '1' * 5000 }}", "1" * 5000),
        ("  {{ 'padded' }}  ", "padded"),
        ("{{ 'unknown' }}", "unknown"),
        ("{{ '' }}", ""),
        ("{{ '1 + 1' }}", "1 + 1"),
        ("{{ 1 }}, {{ 2 }}", (1, 2)),
        ("{{ 'tank 1, pump 2' }}", "tank 1, pump 2"),
        ("{{ 'set()' }}", set()),
    ],
)
def test_results_become_native_types_as_in_home_assistant(
    render: Render, source: str, expected: object
) -> None:
    result = render(source)
    assert result == expected
    assert type(result) is type(expected)


def test_parse_result_false_keeps_the_text(engine: TemplateEngine) -> None:
    assert engine.compile("{{ 5 }}").render(parse_result=False) == "5"
    assert engine.compile("{{ [1] }}").render_with_info(parse_result=False).result == "[1]"


def test_a_list_result_is_a_fresh_object_each_time(engine: TemplateEngine) -> None:
    template = engine.compile("{{ [1, 2] }}")
    first = template.render()
    first.append(3)
    assert template.render() == [1, 2]


def test_a_static_template_is_returned_as_it_is(engine: TemplateEngine) -> None:
    template = engine.compile(" 50 ")
    assert template.is_static
    assert template.render() == " 50 "
    info = template.render_with_info()
    assert info.result == " 50 "
    assert info.entities == frozenset()
    assert not engine.compile("{{ 50 }}").is_static


def test_is_template_string() -> None:
    assert is_template_string("{{ x }}")
    assert is_template_string("{% if x %}{% endif %}")
    assert is_template_string("{# note #}")
    assert not is_template_string("light.dimokratias_01")
    assert not is_template_string("{ not: a template }")


def test_templates_with_the_same_source_are_equal(engine: TemplateEngine) -> None:
    assert engine.compile("{{ 1 }}") == engine.compile("{{ 1 }}", file="a.yaml", line=1)
    assert engine.compile("{{ 1 }}") != engine.compile("{{ 2 }}")
    assert len({engine.compile("{{ 1 }}"), engine.compile("{{ 1 }}")}) == 1


def test_templates_are_compiled_once(engine: TemplateEngine) -> None:
    first = engine.compile("{{ 1 + 1 }}")
    second = engine.compile("{{ 1 + 1 }}", file="rules/a.yaml", line=3)
    assert isinstance(first, Template)
    assert first._compiled is second._compiled
    assert second.file == "rules/a.yaml"


def test_a_syntax_error_is_reported_at_compile_time_with_file_and_line(
    engine: TemplateEngine,
) -> None:
    with pytest.raises(TemplateError) as caught:
        engine.compile("{{ states('x') ", file="rules/water.yaml", line=12)
    error = caught.value
    assert str(error).startswith("rules/water.yaml:12: template syntax error:")
    assert error.source == "{{ states('x') "
    assert error.position == (1, None)
    with pytest.raises(TemplateError, match="rules/other.yaml:7: template syntax error"):
        engine.compile("{{ states('x') ", file="rules/other.yaml", line=7)


def test_a_render_error_names_the_template_line(engine: TemplateEngine) -> None:
    source = "{% set a = 1 %}\n{% set b = 2 %}\n{{ 'x' | float }}"
    with pytest.raises(TemplateError) as caught:
        engine.compile(source, file="rules/tank.yaml", line=20).render()
    error = caught.value
    assert error.position == (3, None)
    assert str(error).startswith("rules/tank.yaml:22: float got invalid input 'x'")
    with pytest.raises(TemplateError, match=r"\(template line 3\)"):
        engine.compile(source).render()


def test_an_undefined_variable_renders_empty_but_its_attributes_fail(render: Render) -> None:
    assert render("{{ missing }}") == ""
    with pytest.raises(TemplateError, match="'trigger' is undefined"):
        render("{{ trigger.to_state.state }}")


def test_errors_of_any_kind_become_template_errors(render: Render) -> None:
    with pytest.raises(TemplateError, match="ZeroDivisionError"):
        render("{{ 1 / 0 }}")
    with pytest.raises(TemplateError, match="no loader"):
        render("{% include 'other.j2' %}")
    with pytest.raises(TemplateError, match="OverflowError"):
        render("{{ 10.0 ** 400 }}")


def test_render_complex_renders_nested_templates(engine: TemplateEngine) -> None:
    value = {
        "entity_id": "light.dimokratias_01",
        "brightness_pct": "{{ 20 + 30 }}",
        "data": ["{{ 'on' }}", 7, {"{{ 'key' }}": "{{ [1, 2] }}"}],
        "note": "50",
    }
    assert render_complex(value, {"x": 1}, engine) == {
        "entity_id": "light.dimokratias_01",
        "brightness_pct": 50,
        "data": ["on", 7, {"key": [1, 2]}],
        "note": "50",
    }
    assert render_complex(engine.compile("{{ x * 2 }}"), {"x": 4}, engine) == 8


def test_a_template_must_be_text(engine: TemplateEngine) -> None:
    with pytest.raises(TemplateError, match="must be text, not 'int'"):
        engine.compile(5)  # type: ignore[arg-type]


def test_loops_macros_and_namespaces_work(render: Render) -> None:
    # "0,1,2" reads as a tuple, as in Home Assistant
    assert render(
        "{% for i in range(3) %}{{ i }}{% if not loop.last %}, {% endif %}{% endfor %}"
    ) == (
        0,
        1,
        2,
    )
    assert render("{% for i in [] %}x{% else %}empty{% endfor %}") == "empty"
    assert render("{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %}") == "a=1"
    assert (
        render("{% for i in range(5) %}{% if i == 2 %}{% break %}{% endif %}{{ i }}{% endfor %}")
        == "01"
    )
    assert (
        render("{% macro lamp(n) %}light.l{{ '%02d' % n }}{% endmacro %}{{ lamp(3) }}")
        == "light.l03"
    )
    assert (
        render(
            "{% set ns = namespace(total=0) %}{% for v in [1, 2, 3] %}"
            "{% set ns.total = ns.total + v %}{% endfor %}{{ ns.total }}"
        )
        == 6
    )
    assert render("{% for x in [1, 2] recursive %}{{ x }}{% endfor %}") == 12
    assert render("{{ [3, 1, 2] | sort | list }}") == [1, 2, 3]
    assert render("{{ dict(a=1, b=[x, x]) }}", x=2) == {"a": 1, "b": [2, 2]}
    assert render("{{ 'a' ~ 1 ~ none }}") == "a1None"
