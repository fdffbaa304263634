"""The sandboxed Jinja environment templates run in.

Built on Jinja's `ImmutableSandboxedEnvironment`, with:
- attribute access that refuses (with an error, not a silent empty string) any name starting
  with `_`, interpreter internals (frames, code, generators' frames, `mro`, ...), methods that
  change a list or dict in place, and a few class methods that build unbounded data;
- the operators `*`, `**`, `+`, `%` and `~` going through the guard, which checks the size
  of a result before building it; Jinja does not fold intercepted operators into constants
  at compile time, so `{{ 9**9**9 }}` cannot run inside `compile` either;
- every `{% for %}` loop iterating through the guard (deadline on each item), every call
  counted (deadline, depth), every output measured (`finalize`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from types import (
    BuiltinMethodType,
    CodeType,
    FrameType,
    MappingProxyType,
    ModuleType,
    TracebackType,
)
from typing import Any, NoReturn, cast

from jinja2 import nodes
from jinja2.filters import do_attr
from jinja2.runtime import Context, LoopContext
from jinja2.sandbox import ImmutableSandboxedEnvironment, modifies_known_mutable
from jinja2.utils import Cycler, Namespace
from jinja2.visitor import NodeTransformer

from .errors import TemplateError
from .filters import install_filters
from .guard import Guard, describe
from .strings import guarded_method, percent_format

DENIED_ATTRIBUTES = frozenset(
    {
        "mro",
        "to_bytes",  # (5).to_bytes(10**9, 'big') allocates a gigabyte
        "fromkeys",  # {}.fromkeys(range(10**5), big) repeats a value without limit
        "clear_cache",  # ZoneInfo class methods, reachable through now().tzinfo
        "no_cache",
        "from_file",
        "gi_frame",
        "gi_code",
        "gi_yieldfrom",
        "cr_frame",
        "cr_code",
        "cr_await",
        "ag_frame",
        "ag_code",
        "ag_await",
        "f_globals",
        "f_locals",
        "f_builtins",
        "f_back",
        "f_code",
        "tb_frame",
        "tb_next",
        "func_globals",
        "func_code",
        "func_closure",
        "im_func",
        "im_self",
        "im_class",
        "co_code",
    }
)
_INTERNAL_VALUES = (ModuleType, FrameType, CodeType, TracebackType)
_BUILT = (list, tuple, dict, set, frozenset, Namespace, Cycler)
_MAPPING_TYPES = (dict, MappingProxyType)
_MAPPING_ATTRIBUTES = frozenset(dir(dict)) | frozenset(dir(MappingProxyType({})))


class _Hardener(NodeTransformer):
    """Rewrites a parsed template: loops iterate through the guard, `~` joins through it."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        self.generic_visit(node)
        literal = sum(
            len(data.data) for child in node.body for data in child.find_all(nodes.TemplateData)
        )
        iterable = cast(nodes.Expr, node.iter)
        node.iter = _call("kozani_iterate", [iterable, nodes.Const(literal)], node.lineno)
        return node

    def visit_List(self, node: nodes.List) -> nodes.Node:
        return self._built(node)

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        return self._built(node) if node.ctx == "load" else node

    def visit_Dict(self, node: nodes.Dict) -> nodes.Node:
        return self._built(node)

    def _built(self, node: nodes.Expr) -> nodes.Node:
        """A list, tuple or dict display with variables in it is built through the guard,
        which charges its size: `[x, x]` nested in a loop cannot double without limit."""
        self.generic_visit(node)
        if _is_literal(node):
            return node
        return _call("kozani_built", [node], node.lineno)

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        self.generic_visit(node)
        if all(isinstance(part, nodes.Const) for part in node.nodes):
            return node  # folded at compile time; no longer than the source itself
        operands = nodes.Tuple(node.nodes, "load", lineno=node.lineno)
        return _call("kozani_concat", [operands], node.lineno)


def _call(method: str, args: list[nodes.Expr], lineno: int) -> nodes.Call:
    """A call of one of the environment's `kozani_*` methods (unreachable from templates)."""
    return nodes.Call(nodes.EnvironmentAttribute(method), args, [], None, None, lineno=lineno)


def _is_literal(node: nodes.Node) -> bool:
    if isinstance(node, nodes.Const):
        return True
    if isinstance(node, nodes.List | nodes.Tuple):
        return all(_is_literal(item) for item in node.items)
    if isinstance(node, nodes.Dict):
        return all(_is_literal(pair.key) and _is_literal(pair.value) for pair in node.items)
    return False


class HubEnvironment(ImmutableSandboxedEnvironment):
    """The Jinja environment of one hub's template engine."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, guard: Guard) -> None:
        super().__init__(
            autoescape=False,
            extensions=["jinja2.ext.loopcontrols"],
            finalize=guard.finalize,
            cache_size=0,
            auto_reload=False,
        )
        self.guard = guard
        self._binops: dict[str, Callable[[Any, Any], Any]] = {
            "*": guard.multiply,
            "**": guard.power,
            "+": guard.add,
            "%": lambda left, right: percent_format(guard, left, right),
        }
        self.globals.pop("lipsum", None)  # lipsum(10**9) writes a gigabyte of Latin
        self.globals["range"] = self.safe_range
        install_filters(self, guard)
        self.filters["attr"] = self.attr_filter
        # Keyed by id for speed; the values keep the objects alive, so an id is never reused.
        self.trusted_callables: dict[int, Any] = {}
        self.plain_callables: dict[int, Any] = {}
        self.open_types: set[type] = {LoopContext}

    # --- compilation ----------------------------------------------------------------------

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        hardened = _Hardener().visit(tree)
        hardened.set_environment(self)
        return hardened  # type: ignore[no-any-return]

    def kozani_iterate(self, iterable: Iterable[Any], literal_size: int) -> Iterator[Any]:
        return self.guard.iterate(iterable, literal_size)

    def kozani_concat(self, values: Iterable[Any]) -> str:
        return self.guard.concat(values)

    def kozani_built(self, value: Any) -> Any:
        return value  # charged by `call`, like every list or dict a call returns

    # --- operators and calls --------------------------------------------------------------

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        return self._binops[operator](left, right)

    def safe_range(self, *args: Any) -> range:
        """`range()` with at most `max_range` items (100,000, as in Home Assistant)."""
        numbers = range(*args)
        limit = self.guard.limits.max_range
        try:
            count = len(numbers)
        except OverflowError:
            count = limit + 1
        if count > limit:
            shown = ", ".join(describe(arg) for arg in args)
            raise TemplateError(
                f"range({shown}) would produce more than {limit:,} items; "
                f"templates may use at most {limit:,}"
            )
        return numbers

    def is_safe_callable(self, obj: Any) -> bool:
        if id(obj) in self.trusted_callables:
            return True
        if (
            isinstance(obj, BuiltinMethodType)
            and obj.__name__ in ("format", "format_map")
            and isinstance(obj.__self__, str)
        ):
            return False  # only the guarded versions may run
        return super().is_safe_callable(obj)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        guard = __self.guard
        scope = guard.scope
        guard.check()
        plain = id(__obj) in __self.plain_callables
        if not plain and not __self.is_safe_callable(__obj):
            raise TemplateError(f"calling {describe(__obj)} is not allowed in templates")
        if scope.depth >= guard.limits.max_call_depth:
            raise TemplateError(
                f"calls nested more than {guard.limits.max_call_depth} deep "
                "(does a macro call itself without end?)"
            )
        scope.depth += 1
        try:
            if plain:  # a helper that takes no context: skip Jinja's argument inspection
                if kwargs:
                    kwargs.pop("_loop_vars", None)
                    kwargs.pop("_block_vars", None)
                result = __obj(*args, **kwargs)
            else:
                result = __context.call(__obj, *args, **kwargs)
        finally:
            scope.depth -= 1
        if type(result) is str:
            if len(result) > guard.limits.max_output:
                guard.check_length(len(result), f"calling {describe(__obj)}")
            guard.charge(len(result))
        elif isinstance(result, _BUILT):
            guard.charge_weight(result)
        return result

    # --- attributes -----------------------------------------------------------------------

    def attr_filter(self, obj: Any, name: Any) -> Any:
        """The `attr` filter: like `obj.name`, attributes only, refusing the same names."""
        if isinstance(name, str) and (name[:1] == "_" or name in DENIED_ATTRIBUTES):
            self._refuse(obj, name)
        return do_attr(self, obj, name)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute[:1] == "_" or attribute in DENIED_ATTRIBUTES:
            self._refuse(obj, attribute)
        if type(obj) in _MAPPING_TYPES and attribute not in _MAPPING_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        try:
            value = getattr(obj, attribute)
        except AttributeError:
            try:
                return obj[attribute]
            except (TypeError, LookupError):
                return self.undefined(obj=obj, name=attribute)
        return self._vet(obj, attribute, value)

    def getitem(self, obj: Any, argument: Any) -> Any:
        try:
            return obj[argument]
        except (TypeError, LookupError):
            if isinstance(argument, str):
                if argument[:1] == "_" or argument in DENIED_ATTRIBUTES:
                    self._refuse(obj, argument)
                try:
                    value = getattr(obj, argument)
                except AttributeError:
                    pass
                else:
                    return self._vet(obj, argument, value)
        return self.undefined(obj=obj, name=argument)

    def _vet(self, obj: Any, attribute: str, value: Any) -> Any:
        if type(obj) in self.open_types:
            return value
        if isinstance(obj, str | bytes):
            guarded = guarded_method(self, self.guard, obj, attribute)
            if guarded is not None:
                return guarded
        if not self.is_safe_attribute(obj, attribute, value):
            self._refuse(obj, attribute)
        return value

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr[:1] == "_" or attr in DENIED_ATTRIBUTES:
            return False
        if isinstance(value, _INTERNAL_VALUES):
            return False
        if isinstance(obj, str) and attr in ("format", "format_map"):
            return False  # reachable only through the guarded versions
        return super().is_safe_attribute(obj, attr, value)

    def unsafe_undefined(self, obj: Any, attribute: str) -> NoReturn:
        self._refuse(obj, attribute)

    def _refuse(self, obj: Any, attribute: str) -> NoReturn:
        kind = type(obj).__name__
        if modifies_known_mutable(obj, attribute):
            raise TemplateError(
                f"templates cannot change a {kind} in place ('{attribute}'); "
                "build a new one instead, as in `items + [x]`"
            )
        raise TemplateError(
            f"access to '{attribute}' of {kind!r} objects is not allowed in templates"
        )
