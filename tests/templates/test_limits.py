"""Resource bombs fail quickly with a TemplateError naming the limit, at compile time as at
render time, and leave the engine ready for the next template."""

from __future__ import annotations

import time

import pytest

from kozani_hub.hub import Hub
from kozani_hub.templates import Limits, TemplateEngine, TemplateError


@pytest.fixture
def quick(hub: Hub) -> TemplateEngine:
    """An engine with a short render limit, so that the tests that hit it stay fast."""
    return TemplateEngine(hub, Limits(render_timeout=0.25))


def refused(engine: TemplateEngine, source: str) -> str:
    """Compile and render `source`; return the message of the TemplateError it must raise."""
    started = time.perf_counter()
    with pytest.raises(TemplateError) as caught:
        engine.compile(source).render()
    assert time.perf_counter() - started < 2
    assert engine.compile("{{ states('sensor.x') }}").render() == "unknown"
    return str(caught.value)


DOUBLING = (
    "{% set ns = namespace(v=START) %}{% for i in range(64) %}"
    "{% set ns.v = ns.v OP ns.v %}{% endfor %}{{ ns.v | length }}"
)

BOMBS = [
    ("{{ range(10**9) }}", "templates may use at most 100,000"),
    ("{{ range(100001) | list }}", "range(100001) would produce more than 100,000 items"),
    ("{{ range(10**30) | count }}", "range("),
    ("{{ 'a' * 10**9 }}", "'a' * 1000000000 would build a string of 1,000,000,000 characters"),
    ("{{ 10**9 * 'ab' }}", "would build a string of 2,000,000,000 characters"),
    ("{{ [0] * 10**9 }}", "would build a list of 1,000,000,000 items"),
    ("{{ (1, 2) * 10**9 }}", "would build a list"),
    ("{{ 9**9**9 }}", "would build an integer larger than 128 bits"),
    ("{{ 9**(9**9) }}", "would build an integer larger than 128 bits"),
    ("{{ 2**(10**9) }}", "larger than 128 bits"),
    ("{{ (10**30) * (10**30) }}", "larger than 128 bits"),
    (DOUBLING.replace("START", "'ab'").replace("OP", "~"), "'~' would build a string of"),
    (DOUBLING.replace("START", "'ab'").replace("OP", "+"), "'+' would build a string of"),
    (DOUBLING.replace("START", "[1, 2]").replace("OP", "+"), "'+' would build a list of"),
    (DOUBLING.replace("START", "['x']").replace("OP", "* 2 +"), "would build a list of"),
    (
        "{% set ns = namespace(v=['x' * 1000]) %}{% for i in range(64) %}"
        "{% set ns.v = [ns.v, ns.v] %}{% endfor %}{{ ns.v }}",
        "characters of text and lists in one render",
    ),
    (
        "{% set ns = namespace(v={'a': 'x' * 1000}) %}{% for i in range(64) %}"
        "{% set ns.v = dict(a=ns.v, b=ns.v) %}{% endfor %}{{ ns.v == ns.v }}",
        "characters of text and lists in one render",
    ),
    ("{% macro m(n) %}{{ m(n + 1) }}{% endmacro %}{{ m(1) }}", "calls nested more than 40 deep"),
    (
        "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
        "calls nested more than 40 deep",
    ),
    ("{{ 'a' | center(1000000000) }}", "center(1000000000) would build a string"),
    ("{{ 'a'.center(10**9) }}", "center(1000000000) would build a string"),
    ("{{ 'a'.ljust(10**9) ~ 'a'.rjust(10**9) }}", "ljust(1000000000)"),
    ("{{ '1'.zfill(10**9) }}", "zfill(1000000000)"),
    ("{{ '%999999999d' % 1 }}", "the format '%999999999d' would build a string"),
    ("{{ '%.999999999f' % 1.0 }}", "would build a string of 999,999,999 characters"),
    ("{{ '%s' * 100000 % (('x' * 100,) * 100000) }}", "would build a string"),
    ("{{ '%*d' % (10**9, 1) }}", "'*' widths in '%' formatting are not available"),
    ("{{ '%(' * 100000 % {} }}", "ValueError"),
    ("{{ '%(a)0999999999d' % {'a': 1} }}", "would build a string of 999,999,999 characters"),
    ("{{ '%0999999999d' | format(1) }}", "would build a string of 999,999,999 characters"),
    ("{{ '{:999999999}'.format(1) }}", "the format spec '999999999' would build a string"),
    ("{{ '{0:>{1}}'.format('a', 10**9) }}", "the format spec '>1000000000'"),
    ("{{ ('{:100000}' * 10).format(*range(10)) }}", "str.format() would build a string"),
    ("{{ 'ab' | replace('', 'x' * 200000) }}", "the 'replace' filter would build a string"),
    ("{{ ('ab' * 1000).replace('a', 'x' * 1000) }}", "replace() would build a string"),
    ("{{ ('a\\n' * 1000) | indent(100000) }}", "the 'indent' filter would build a string"),
    ("{{ ('a\\n' * 1000) | indent('x' * 1000) }}", "the 'indent' filter would build a string"),
    ("{{ ('a ' * 1000) | wordwrap(1, wrapstring='x' * 1000) }}", "the 'wordwrap' filter"),
    ("{{ ('x\\t' * 1000).expandtabs(10**6) }}", "expandtabs() would build a string"),
    ("{{ (['x' * 100000] * 10) | join }}", "the 'join' filter would build a string"),
    ("{{ ''.join(['x' * 100000] * 10) }}", "join() would build a string"),
    ("{{ [1] | batch(10**9, 'x') | list }}", "batch(1000000000) would build a list"),
    ("{{ [1] | slice(10**9) | list }}", "slice(1000000000) would build a list"),
    ("{{ (['x' * 100000] * 10) | string }}", "the 'string' filter (a list of 10 items)"),
    ("{{ (['x' * 100000] * 10) | upper }}", "the 'upper' filter"),
    ("{{ (['x' * 100000] * 10) | to_json }}", "the JSON text would be longer than"),
    ("{{ (['x' * 100000] * 10) | tojson }}", "the JSON text would be longer than"),
    ("{{ ['x' * 100000] * 10 }}", "the output (a list of 10 items) would build a string"),
    ("{{ '%s' % ((['x' * 100000] * 10),) }}", "'%' formatting"),
    ("{{ '{}'.format(['x' * 100000] * 10) }}", "str.format()"),
    ("{{ (['x' * 100000] * 10) ~ '' }}", "'~'"),
    ("{{ ('x' * 100000) | regex_replace('x', 'yyy') }}", "regex_replace would build a string"),
    ("{{ ('x' * 200000) | regex_findall('(?=(x*))') }}", "regex_findall would build a string"),
    ("{{ ('é' * 50000) | urlencode }}", "the 'urlencode' filter would build"),
    (
        "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}",
        "output passed 262,144 characters",
    ),
    (
        "{% macro m() %}{% for i in range(100000) %}{{ 'x' * 100000 }}{% endfor %}{% endmacro %}"
        "{% set x = m() %}",
        "characters of text and lists in one render",
    ),
    (
        "{% macro m() %}{% for i in range(100000) %}" + "x" * 1000 + "{% endfor %}{% endmacro %}"
        "{% set x = m() %}",
        "characters of text and lists in one render",
    ),
    (
        "{% set ns = namespace(l=[]) %}{% for i in range(100000) %}"
        "{% set ns.l = ns.l + ['x' * 100000] %}{% endfor %}",
        "characters of text and lists in one render",
    ),
    ("{{ (5).to_bytes(10**9, 'big') }}", "'to_bytes'"),
    ("{{ now().strftime('%Y' * 100000) }}", "calling strftime() would build a string"),
    ("{{ 10.0 ** 400 }}", "OverflowError"),
    ("{{ " + "(" * 5000 + "1" + ")" * 5000 + " }}", "nests too deeply"),
]


@pytest.mark.parametrize(("source", "message"), BOMBS)
def test_resource_bombs_are_refused(quick: TemplateEngine, source: str, message: str) -> None:
    assert message in refused(quick, source)


TIMEOUTS = [
    "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}",
    "{% set r = range(100000) | list %}{% for a in r %}{% for b in r %}{% endfor %}{% endfor %}",
    "{% set r = range(100000) | list %}{% for a in r %}{% if r | sum %}{% endif %}{% endfor %}",
    "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(35) }}",
    "{% macro f(n) %}{% for i in range(n) %}{{ f(n - 1) }}{% endfor %}{% endmacro %}{{ f(12) }}",
    "{{ ('a' * 40 ~ '!') is match('(a|aa)+$') }}",
    "{{ ('a' * 40 ~ '!') | regex_replace('(a|aa)+$', 'b') }}",
    "{{ ('a' * 40 ~ '!') | regex_findall('(a|aa)+$') }}",
]


@pytest.mark.parametrize("source", TIMEOUTS)
def test_endless_work_is_stopped_at_the_render_limit(quick: TemplateEngine, source: str) -> None:
    message = refused(quick, source)
    assert "took too long" in message or "ran for more than 0.25 s" in message


BOMBS_AT_COMPILE_TIME = [
    "{{ 9**9**9 }}",
    "{{ 'a' * 10**9 }}",
    "{{ 'a' * 1000000000 }}",
    "{{ 'a' | center(1000000000) }}",
    "{{ '%999999999d' | format(1) }}",
    "{{ 'x' | indent(1000000000, true) }}",
    "{{ ('a' * 40 ~ '!') is match('(a|aa)+$') }}",
    "{{ [1] | batch(1000000000, 'x') | list }}",
    "{{ '%s' % ('a' * 1000000000) }}",
]


@pytest.mark.parametrize("source", BOMBS_AT_COMPILE_TIME)
def test_constant_folding_cannot_run_a_bomb_at_compile_time(
    quick: TemplateEngine, source: str
) -> None:
    started = time.perf_counter()
    template = quick.compile(source)
    assert time.perf_counter() - started < 2
    with pytest.raises(TemplateError):
        template.render()


def test_a_template_longer_than_the_source_limit_is_refused(hub: Hub) -> None:
    engine = TemplateEngine(hub, Limits(max_source=100))
    with pytest.raises(TemplateError, match="at most 100 are allowed"):
        engine.compile("{{ '" + "x" * 200 + "' }}")


def test_limits_are_configurable(hub: Hub) -> None:
    engine = TemplateEngine(hub, Limits(max_output=10, max_range=5, max_call_depth=3))
    with pytest.raises(TemplateError, match="output passed 10 characters"):
        engine.compile("{% for i in range(5) %}{{ 'abc' }}{% endfor %}").render()
    with pytest.raises(TemplateError, match="at most 5"):
        engine.compile("{{ range(6) | list }}").render()
    with pytest.raises(TemplateError, match="more than 3 deep"):
        engine.compile("{% macro m(n) %}{{ m(n) }}{% endmacro %}{{ m(1) }}").render()


def test_legitimate_work_near_the_limits_still_renders(engine: TemplateEngine) -> None:
    assert engine.compile("{{ range(100000) | sum }}").render() == 4999950000
    assert engine.compile("{{ ('x' * 200000) | length }}").render() == 200000
    assert engine.compile("{{ 2 ** 127 }}").render() == 2**127
    assert engine.compile("{{ (2 ** 64) * (2 ** 63) }}").render() == 2**127
    assert engine.compile("{{ 2.0 ** 200 > 1e60 }}").render() is True
    assert engine.compile("{{ 1 ** (10 ** 9) }}").render() == 1
    assert engine.compile(
        "{% macro f(n) %}{% if n > 0 %}{{ f(n - 1) }}{% endif %}{{ n }}{% endmacro %}{{ f(30) }}"
    ).render() == "".join(str(n) for n in range(31))
    big_loop = "{% for i in range(1000) %}{% for j in range(100) %}{% endfor %}{% endfor %}ok"
    assert engine.compile(big_loop).render() == "ok"


def test_a_failed_render_leaves_the_engine_as_it_was(quick: TemplateEngine) -> None:
    before = quick.guard.scope
    info = quick.compile(
        "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}"
    ).render_with_info()
    assert info.error is not None
    assert "ran for more than" in str(info.error)
    assert quick.guard.scope is before
    assert quick.compile("{% for i in range(10) %}{{ i }}{% endfor %}").render() == "0123456789"


async def test_the_hub_keeps_running_after_a_hostile_template(hub: Hub) -> None:
    fired: list[str] = []
    hub.clock.call_later(5, lambda: fired.append("timer"))
    hub.bus.listen("ping", lambda event: fired.append("event"))
    engine = TemplateEngine(hub, Limits(render_timeout=0.1))
    for source in (
        "{{ 'a' * 10**9 }}",
        "{% for a in range(10**5) %}{% for b in range(10**5) %}{% endfor %}{% endfor %}",
        "{{ ''.__class__ }}",
    ):
        assert engine.compile(source).render_with_info().error is not None
    hub.bus.fire("ping", {})
    await hub.clock.advance(10)  # type: ignore[attr-defined]
    assert fired == ["event", "timer"]
