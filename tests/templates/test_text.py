"""Text helpers: regular expressions, JSON, slugify, base64, string methods."""

from __future__ import annotations

import hashlib

import pytest

from kozani_hub.templates import TemplateEngine, TemplateError

from .conftest import Render


def test_regex_helpers(render: Render) -> None:
    assert render("{{ 'pump_02' | regex_match('pump_\\\\d+') }}") is True
    assert render("{{ 'Pump_02' | regex_match('pump', ignorecase=True) }}") is True
    assert render("{{ 'tank 7 level' | regex_search('\\\\d') }}") is True
    assert render("{{ 'tank 7 level 9' | regex_findall('\\\\d') }}") == ["7", "9"]
    assert render("{{ 'a=1 b=2' | regex_findall('(\\\\w)=(\\\\d)') }}") == [("a", "1"), ("b", "2")]
    assert render("{{ 'tank 7 level 9' | regex_findall_index('\\\\d', 1) }}") == 9
    assert render("{{ 'light_01' | regex_replace('_(\\\\d+)', ' no. \\\\1') }}") == "light no. 01"
    assert render("{{ 'pump_02' is match('pump') }}") is True
    assert render("{{ 'the pump' is search('pump') }}") is True


def test_an_invalid_regular_expression_is_a_clear_error(render: Render) -> None:
    with pytest.raises(TemplateError, match="invalid regular expression '\\(unclosed'"):
        render("{{ 'x' | regex_match('(unclosed') }}")


def test_json_both_ways(render: Render) -> None:
    assert render("{{ {'level': 1.5, 'unit': 'm'} | to_json }}") == {"level": 1.5, "unit": "m"}
    assert render("{{ {'b': 1, 'a': 2} | to_json(sort_keys=True) }}") == {"a": 2, "b": 1}
    assert render("{{ {'a': 'Κοζάνη'} | to_json }}") == {"a": "Κοζάνη"}
    assert render("{{ {'a': 1} | to_json }}") == {"a": 1}
    assert render("{{ ({'a': [1, 2]} | to_json) ~ '' }}") == {"a": [1, 2]}
    assert render("{{ '{\"a\": [1, 2]}' | from_json }}") == {"a": [1, 2]}
    assert render("{{ ('{\"a\": 3}' | from_json).a }}") == 3
    assert render("{{ 'not json' | from_json(default=0) }}") == 0
    with pytest.raises(TemplateError, match="from_json got invalid input"):
        render("{{ 'not json' | from_json }}")


def test_to_json_writes_times_and_states(engine: TemplateEngine) -> None:
    assert engine.compile("{{ {'at': now()} | to_json }}").render(parse_result=False) == (
        '{"at":"2026-01-15T12:00:00+02:00"}'
    )
    pretty = engine.compile("{{ {'a': 1} | to_json(pretty_print=True) }}")
    assert pretty.render(parse_result=False) == '{\n  "a": 1\n}'


def test_tojson_is_html_safe(engine: TemplateEngine) -> None:
    template = engine.compile("{{ {'x': '<b>'} | tojson }}")
    assert template.render(parse_result=False) == '{"x": "\\u003cb\\u003e"}'


def test_slugify_transliterates_greek(render: Render) -> None:
    assert render("{{ 'Οδός Δημοκρατίας 12' | slugify }}") == "odos_dimokratias_12"
    assert render("{{ slugify('Pump Station #2', '-') }}") == "pump-station-2"
    assert render("{{ '!!!' | slugify }}") == "unknown"


def test_base64_hashes_and_ord(render: Render) -> None:
    assert render("{{ 'kozani' | base64_encode }}") == "a296YW5p"
    assert render("{{ 'a296YW5p' | base64_decode }}") == "kozani"
    assert render("{{ 'kozani' | md5 }}") == hashlib.md5(b"kozani").hexdigest()
    assert len(render("{{ 'kozani' | sha256 }}")) == 64
    assert render("{{ 'A' | ord }}") == 65


def test_string_methods_and_formatting_still_work(render: Render) -> None:
    assert render("{{ 'pump'.upper() ~ '-' ~ 'x'.center(5, '*') }}") == "PUMP-**x**"
    assert render("{{ 'a,b'.split(',') }}") == ["a", "b"]
    assert render("{{ ', '.join(['a', 'b']) }}") == "a, b"
    assert render("{{ 'level {:.1f} {}'.format(1.234, 'm') }}") == "level 1.2 m"
    assert render("{{ '{a}-{b}'.format_map({'a': 1, 'b': 2}) }}") == "1-2"
    assert render("{{ 'at {:%H:%M}'.format(now()) }}") == "at 12:00"
    assert render("{{ ('<b>{}</b>' | safe).format('&') }}") == "<b>&amp;</b>"
    assert render("{{ '%s is %.1f m' % ('tank', 1.25) }}") == "tank is 1.2 m"
    assert render("{{ '%s-%s' | format('a', 'b') }}") == "a-b"
    assert render("{{ 'ab' | replace('b', 'c') }}") == "ac"
    assert render("{{ 'x' | center(5) ~ '|' }}") == "x  |"
    assert render("{{ 'a b c d' | wordwrap(3) }}") == "a b\nc d"
    assert render("{{ 'a\\nb' | indent(2, first=True) }}") == "a\n  b"
    assert render("{{ [1, 2, 3] | join('-') }}") == "1-2-3"
    assert render("{{ [1, 2, 3, 4, 5] | batch(2, 0) | list }}") == [[1, 2], [3, 4], [5, 0]]
    assert render("{{ [1, 2, 3] | slice(2) | list }}") == [[1, 2], [3]]
    assert render("{{ [[1], [2]] | sum(start=[]) }}") == [1, 2]
    assert render("{{ [1, 2] | sum }}") == 3
    assert render("{{ 'Κοζάνη'.encode('utf-8') | length }}") == 12
    assert render("{{ ['a', 'b'] | map('upper') | join }}") == "AB"
    assert render("{{ [{'x': 1}, {}] | map(attribute='x', default=0) | list }}") == [1, 0]
