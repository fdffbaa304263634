"""The Home Assistant helpers, installed as globals, filters and tests of one environment."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import TYPE_CHECKING, Any

from jinja2 import pass_context
from jinja2.runtime import Context as JinjaContext
from jinja2.utils import _PassArg

from ..core.context import Context
from ..core.states import State
from . import numbers as num
from .dates import TimeFunctions
from .filters import guarded_filter
from .guard import Guard
from .states import AllStates, DomainStates, StateFunctions, StateReader, TemplateState
from .text import TextFunctions

if TYPE_CHECKING:
    from ..hub import Hub
    from .environment import HubEnvironment

# Filters that return numbers, booleans, states or their input: nothing to measure.
_PLAIN_FILTERS = frozenset(
    {
        "float",
        "int",
        "bool",
        "is_number",
        "round",
        "multiply",
        "log",
        "atan2",
        "average",
        "median",
        "statistical_mode",
        "iif",
        "is_defined",
        "contains",
        "bitwise_and",
        "bitwise_or",
        "bitwise_xor",
        "is_state",
        "has_value",
        "is_state_attr",
        "state_attr",
        "expand",
        "as_timestamp",
        "as_datetime",
        "as_local",
        "as_timedelta",
        *num.TRIGONOMETRY,
    }
)


def live(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a filter or test that reads states or the time: Jinja must not fold it into a
    constant at compile time (it would bake in the state of that moment)."""

    @pass_context
    @wraps(func)
    def reading(_context: JinjaContext, *args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    return reading


class Helpers:
    """The helpers of one hub, grouped by how they are installed."""

    def __init__(self, hub: Hub, guard: Guard) -> None:
        reader = StateReader(hub.states, guard)
        self.states = AllStates(reader)
        self.state_fns = StateFunctions(reader, guard)
        self.time_fns = TimeFunctions(hub.clock.now, hub.tz, guard)
        self.text_fns = TextFunctions(guard)

    def conversions(self) -> dict[str, Callable[..., Any]]:
        """Both globals and filters; they read neither states nor the clock."""
        time_fns = self.time_fns
        return {
            "float": num.to_float,
            "int": num.to_int,
            "bool": num.to_bool,
            "is_number": num.is_number,
            "iif": num.iif,
            "log": num.log,
            "atan2": num.atan2,
            "average": num.average,
            "median": num.median,
            "statistical_mode": num.statistical_mode,
            "bitwise_and": num.bitwise_and,
            "bitwise_or": num.bitwise_or,
            "bitwise_xor": num.bitwise_xor,
            "as_datetime": time_fns.as_datetime,
            "as_timestamp": time_fns.as_timestamp,
            "as_local": time_fns.as_local,
            "as_timedelta": time_fns.as_timedelta,
            "strptime": time_fns.strptime,
            "timestamp_custom": time_fns.timestamp_custom,
            "timestamp_local": time_fns.timestamp_local,
            "timestamp_utc": time_fns.timestamp_utc,
            "slugify": self.text_fns.slugify,
            **num.TRIGONOMETRY,
        }

    def readers(self) -> dict[str, Callable[..., Any]]:
        """Both globals and filters; they read states or the clock."""
        return {
            "is_state": self.state_fns.is_state,
            "state_attr": self.state_fns.state_attr,
            "is_state_attr": self.state_fns.is_state_attr,
            "has_value": self.state_fns.has_value,
            "expand": self.state_fns.expand,
            "relative_time": self.time_fns.relative_time,
            "time_since": self.time_fns.time_since,
            "time_until": self.time_fns.time_until,
        }

    def globals_only(self) -> dict[str, Any]:
        return {
            "states": self.states,
            "now": self.time_fns.now,
            "utcnow": self.time_fns.utcnow,
            "today_at": self.time_fns.today_at,
            "timedelta": timedelta,
            "min": num.MIN,
            "max": num.MAX,
            "e": math.e,
            "pi": math.pi,
            "tau": math.tau,
            "inf": math.inf,
            "set": set,
            "tuple": tuple,
            "zip": zip,
        }

    def filters_only(self) -> dict[str, Callable[..., Any]]:
        text = self.text_fns
        return {
            "regex_match": text.regex_match,
            "regex_search": text.regex_search,
            "regex_replace": text.regex_replace,
            "regex_findall": text.regex_findall,
            "regex_findall_index": text.regex_findall_index,
            "to_json": text.to_json,
            "from_json": text.from_json,
            "base64_encode": text.base64_encode,
            "base64_decode": text.base64_decode,
            "ord": text.ordinal,
            "round": num.round_,
            "multiply": num.multiply,
            "is_defined": num.is_defined,
            "contains": num.contains,
            "states": live(self.states),
            **{name: text.digest(name) for name in ("md5", "sha1", "sha256", "sha512")},
        }

    def tests(self) -> dict[str, Callable[..., Any]]:
        return {
            "is_number": num.is_number,
            "contains": num.contains,
            "match": self.text_fns.regex_match,
            "search": self.text_fns.regex_search,
            "is_state": live(self.state_fns.is_state),
            "is_state_attr": live(self.state_fns.is_state_attr),
            "has_value": live(self.state_fns.has_value),
            "datetime": lambda value: isinstance(value, datetime),
            "list": lambda value: isinstance(value, list),
            "set": lambda value: isinstance(value, set),
            "tuple": lambda value: isinstance(value, tuple),
        }


def install_helpers(env: HubEnvironment, hub: Hub, guard: Guard) -> None:
    """Give `env` the helpers of Home Assistant templates, bound to `hub`."""
    helpers = Helpers(hub, guard)
    conversions, readers = helpers.conversions(), helpers.readers()
    env.globals.update(conversions)
    env.globals.update(readers)
    env.globals.update(helpers.globals_only())

    filters = {**conversions, **helpers.filters_only()}
    filters.update({name: live(func) for name, func in readers.items()})
    for name, func in filters.items():
        env.filters[name] = (
            func if name in _PLAIN_FILTERS else guarded_filter(guard, name, func, text_input=False)
        )
    env.tests.update(helpers.tests())

    env.open_types.update({TemplateState, DomainStates, AllStates, State, Context})
    callables = [f for f in env.globals.values() if callable(f) and not isinstance(f, type)]
    env.trusted_callables.update((id(func), func) for func in callables)
    env.plain_callables.update(
        (id(func), func) for func in callables if _PassArg.from_obj(func) is None
    )
