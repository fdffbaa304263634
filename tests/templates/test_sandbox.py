"""Sandbox escapes: each classic payload fails with a TemplateError that says what was refused,
and the engine keeps rendering other templates afterwards."""

from __future__ import annotations

import time

import pytest

from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine, TemplateError

ESCAPES = [
    ("{{ ''.__class__.__mro__ }}", "'__class__'"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "'__class__'"),
    ("{{ ''['__class__'] }}", "'__class__'"),
    ("{{ ()|attr('__class__') }}", "'__class__'"),
    ("{{ now|attr('__globals__') }}", "'__globals__'"),
    ("{{ 1|attr('__globals__') }}", "'__globals__'"),
    ("{{ cycler.__init__.__globals__.os }}", "'__init__'"),
    ("{{ joiner.__init__.__globals__ }}", "'__init__'"),
    ("{{ namespace.__init__.__globals__ }}", "'__init__'"),
    ("{{ states.__class__ }}", "'__class__'"),
    ("{{ states._reader }}", "'_reader'"),
    ("{{ states.light._reader }}", "'_reader'"),
    ("{{ now.__self__ }}", "'__self__'"),
    ("{{ now.__func__.__globals__ }}", "'__func__'"),
    ("{{ '{0.__class__}'.format('') }}", "'__class__'"),
    ("{{ '{a.__class__.__base__}'.format_map({'a': ''}) }}", "'__class__'"),
    ("{{ '{0[__class__]}'.format({}) }}", "'__class__'"),
    ("{{ ('{0.__cl' ~ 'ass__}').format(1) }}", "'__class__'"),
    ("{{ ''.format|attr('__self__') }}", "'__self__'"),
    ("{{ ('{0.__class__}'|attr('format'))(1) }}", "'__class__'"),
    ("{{ ('{a.__class__}'|attr('format_map'))({'a': 1}) }}", "'__class__'"),
    ("{% set f = '{0.__globals__}'.format %}{{ f(now) }}", "'__globals__'"),
    ("{{ self._TemplateReference__context }}", "'_TemplateReference__context'"),
    ("{{ self.__dict__ }}", "'__dict__'"),
    ("{{ dict.mro() }}", "'mro'"),
    ("{{ timedelta.mro() }}", "'mro'"),
    ("{{ (range(3)|map('string')).gi_frame.f_globals }}", "'gi_frame'"),
    ("{% macro m() %}{% endmacro %}{{ m._func.__globals__ }}", "'_func'"),
    ("{{ loop.__class__ }}{% for x in [1] %}{{ loop._iterator }}{% endfor %}", ""),
    ("{{ [].append(1) }}", "cannot change a list in place"),
    ("{{ {}.update(a=1) }}", "cannot change a dict in place"),
    ("{{ {}.pop('a') }}", "cannot change a dict in place"),
    ("{{ {}.fromkeys([1], 2) }}", "'fromkeys'"),
    ("{{ (5).to_bytes(4, 'big') }}", "'to_bytes'"),
    ("{{ now().tzinfo.clear_cache() }}", "'clear_cache'"),
    ("{{ lipsum() }}", "'lipsum' is undefined"),
    ("{{ ''.encode('rot13') }}", "not available in templates"),
    ("{{ states.light.x.__init__ }}", ""),
    ("{{ [1]|map(attribute='__class__')|list }}", "'__class__'"),
    ("{{ [{'a': 1}]|sort(attribute='__class__') }}", "'__class__'"),
    ("{{ x.__class__ }}", "'__class__'"),
    ("{{ ''.__mod__ }}", "'__mod__'"),
]


@pytest.mark.parametrize(("source", "refused"), ESCAPES)
def test_escape_payloads_are_refused_with_a_clear_error(
    engine: TemplateEngine, source: str, refused: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(TemplateError) as caught:
        engine.compile(source).render({"x": 1})
    assert time.perf_counter() - started < 2
    message = str(caught.value)
    assert refused in message
    assert "Traceback" not in message
    assert engine.compile("{{ 1 + 1 }}").render() == 2


def test_underscore_attributes_are_refused_even_when_missing(engine: TemplateEngine) -> None:
    with pytest.raises(TemplateError, match="access to '_private' of 'int' objects is not allowed"):
        engine.compile("{{ 1._private }}").render()


def test_dict_keys_with_underscores_stay_readable(engine: TemplateEngine) -> None:
    data = {"__class__": "a key, not an attribute", "_private": 1}
    assert engine.compile("{{ data['__class__'] }}").render({"data": data}) == (
        "a key, not an attribute"
    )
    assert engine.compile("{{ data['_private'] }}").render({"data": data}) == 1


def test_the_hub_is_not_reachable_from_a_template(engine: TemplateEngine, hub: Hub) -> None:
    for source in (
        "{{ states._reader._states }}",
        "{{ states.light._reader }}",
        "{{ now.__self__._clock_now }}",
        "{{ states('light.x').__class__ }}",
    ):
        with pytest.raises(TemplateError):
            engine.compile(source).render()


def test_states_of_a_trigger_refuse_private_attributes(engine: TemplateEngine, hub: Hub) -> None:
    state = hub.states.set("light.a", "on")
    template = engine.compile("{{ trigger.to_state.__class__ }}")
    with pytest.raises(TemplateError, match="'__class__'"):
        template.render({"trigger": {"to_state": state}})
