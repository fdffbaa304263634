"""A template that is one `{{ expression }}` gives what the same template rendered as text gives.

Each expression is compared with the same expression followed by an empty output
(`{{ x }}{{ '' }}`), which is no longer a single expression and takes the text path.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

from kozani_hub.automation.watch import truthy
from kozani_hub.templates import TemplateEngine, TemplateError

EXPRESSIONS = [
    "true",
    "false",
    "none",
    "0",
    "1",
    "-7",
    "2 ** 100",
    "0.0",
    "-0.0",
    "1.5",
    "1e20",
    "1e-7",
    "'nan' | float",
    "'inf' | float",
    "'-inf' | float",
    "10 / 4",
    "x",
    "x > 2",
    "x * 1.5",
    "'on'",
    "' padded '",
    "'5'",
    "'[1, 2]'",
    "[1, 2]",
    "{'a': x}",
    "(1, 2)",
    "missing",
    "missing is defined",
    "trigger.to_state.state == 'on' or (trigger.to_state.state | float(0)) > 50",
    "states('sensor.tank') | float(0) > 1.2",
    "is_state('sensor.tank', '1.25')",
    "now().year",
]


def _as_text(expression: str) -> str:
    return f"{{{{ {expression} }}}}{{{{ '' }}}}"


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@pytest.mark.parametrize("expression", EXPRESSIONS)
def test_an_expression_gives_what_its_text_gives(engine: TemplateEngine, expression: str) -> None:
    variables = {"x": 3, "trigger": {"to_state": {"state": "90"}}}
    fast = engine.compile(f"  {{{{ {expression} }}}}\n")
    slow = engine.compile(_as_text(expression))
    assert _same(fast.render(variables), slow.render(variables))
    text = slow.render(variables, parse_result=False)
    assert fast.render(variables, parse_result=False) == text
    assert truthy(fast.render_raw(variables)) == truthy(text)
    fast_info = fast.render_with_info(variables)
    slow_info = slow.render_with_info(variables)
    assert _same(fast_info.result, slow_info.result)
    assert (fast_info.entities, fast_info.uses_now) == (slow_info.entities, slow_info.uses_now)


def test_a_condition_reads_a_bool_result_without_making_text(engine: TemplateEngine) -> None:
    template = engine.compile("{{ x > 2 }}")
    assert template.render_raw({"x": 3}) is True
    assert template.render_raw({"x": 1}) is False
    assert template.render({"x": 3}, parse_result=False) == "True"


def test_variables_hide_globals_of_the_same_name(engine: TemplateEngine) -> None:
    assert engine.compile("{{ pi }}").render({"pi": 3}) == 3
    assert engine.compile("{{ pi > 3 }}").render() is True


@pytest.mark.parametrize(
    "expression", ["1 / 0", "'%s' % (1, 2)", "states.sensor._x", "'a' * 10 ** 9", "range(10**9)"]
)
def test_an_expression_fails_as_its_text_fails(engine: TemplateEngine, expression: str) -> None:
    source = f"{{{{\n  {expression}\n}}}}"
    errors = []
    for template in (engine.compile(source), engine.compile(source + "{{ '' }}")):
        with pytest.raises(TemplateError) as caught:
            template.render()
        errors.append((str(caught.value), caught.value.position))
    assert errors[0] == errors[1]
    assert errors[0][1] == (2, None)
