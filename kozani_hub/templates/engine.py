"""TemplateEngine (one per hub, `hub.templates`), compiled Templates and RenderInfo."""

from __future__ import annotations

import re
from ast import literal_eval
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.exceptions import TemplateSyntaxError
from jinja2.nodes import EvalContext

from .environment import HubEnvironment
from .errors import TemplateError
from .expression import (
    ExpressionContext,
    assign_result,
    expression_of,
    is_fast,
    names_in,
    narrowed,
    parsed,
)
from .guard import Guard
from .helpers import install_helpers
from .limits import Limits, RenderScope

if TYPE_CHECKING:
    from ..hub import Hub

_DELIMITERS = re.compile(r"\{%|\{\{|\{#")
# Numbers Home Assistant turns into int or float: no leading zeros, no exponent.
_IS_NUMERIC = re.compile(r"^[+-]?(?!0\d)\d*(?:\.\d*)?$")
_KEYWORDS: dict[str, Any] = {"True": True, "False": False, "None": None}
_LITERAL_START = frozenset("[{(\"'bBrRuUs.")
_COMPILE_CACHE_SIZE = 8192
_PARSE_CACHE_SIZE = 4096
_UNCACHED: Any = object()
_FINALIZE_RESERVE = 512
"""Work budget below which even a bool or number goes through `finalize`, which charges its
text (at most ~310 characters for a fast value) to the budget, as a render would."""


def is_template_string(value: str) -> bool:
    """Whether `value` holds template syntax (`{{`, `{%` or `{#`)."""
    return _DELIMITERS.search(value) is not None


@dataclass(frozen=True, slots=True)
class RenderInfo:
    """One render's result (or error) and what it read, for deciding when to render again."""

    result: Any
    error: TemplateError | None
    entities: frozenset[str]
    domains: frozenset[str]
    all_states: bool
    uses_now: bool

    def watches(self, entity_id: str) -> bool:
        """Whether a change of `entity_id` may change this render's result."""
        return (
            self.all_states
            or entity_id in self.entities
            or entity_id.partition(".")[0] in self.domains
        )


@dataclass(frozen=True, slots=True)
class Compiled:
    """A compiled Jinja template; `names` is set when it is one `{{ expression }}`, compiled
    to store its value as `result` (see expression.py), and lists the names it reads."""

    jinja: jinja2.Template
    names: tuple[str, ...] | None = None


class Template:
    """A compiled template. Render it as often as needed; compile once (the engine caches)."""

    __slots__ = ("_compiled", "_engine", "file", "is_static", "line", "source")

    def __init__(
        self,
        engine: TemplateEngine,
        source: str,
        compiled: Compiled | None,
        file: str | None,
        line: int | None,
    ) -> None:
        self._engine = engine
        self._compiled = compiled
        self.source = source
        self.is_static = compiled is None
        self.file = file
        self.line = line

    def render(
        self, variables: Mapping[str, Any] | None = None, *, parse_result: bool = True
    ) -> Any:
        """The result: text, or with `parse_result` a number, list, dict or bool where the
        text reads as one (as Home Assistant does). Raises TemplateError."""
        if self._compiled is None:
            return self.source
        value = self._engine.run(self, self._compiled, variables)[0]
        if isinstance(value, TemplateError):
            raise value
        return self._engine.convert(value, parse_result=parse_result)

    def render_raw(self, variables: Mapping[str, Any] | None = None) -> Any:
        """Like `render(parse_result=False)`, except that a template that is one expression
        giving a bool, number or None returns that value instead of its text. The value reads
        as true or false exactly as its text does. Raises TemplateError."""
        if self._compiled is None:
            return self.source
        value = self._engine.run(self, self._compiled, variables)[0]
        if isinstance(value, TemplateError):
            raise value
        return value

    def render_with_info(
        self, variables: Mapping[str, Any] | None = None, *, parse_result: bool = True
    ) -> RenderInfo:
        """Render, and report what the render read; an error is returned, not raised."""
        if self._compiled is None:
            return RenderInfo(self.source, None, frozenset(), frozenset(), False, False)
        value, scope = self._engine.run(self, self._compiled, variables)
        if isinstance(value, TemplateError):
            result, error = None, value
        else:
            result = self._engine.convert(value, parse_result=parse_result)
            error = None
        return RenderInfo(
            result,
            error,
            frozenset(scope.entities),
            frozenset(scope.domains),
            scope.all_states,
            scope.uses_now,
        )

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Template):
            return NotImplemented
        return self.source == other.source and self._engine is other._engine

    def __hash__(self) -> int:
        return hash(self.source)

    def __repr__(self) -> str:
        return f"Template({self.source!r})"


class TemplateEngine:
    """Compiles and renders templates in the hub's sandbox. One per hub: `hub.templates`."""

    def __init__(self, hub: Hub, limits: Limits | None = None) -> None:
        self.limits = limits or Limits()
        self.guard = Guard(self.limits)
        self.env = HubEnvironment(self.guard)
        install_helpers(self.env, hub, self.guard)
        self._globals: dict[str, Any] = dict(self.env.globals)
        self._eval_context = EvalContext(self.env)
        self._compiled: OrderedDict[str, Compiled | TemplateError] = OrderedDict()
        self._parsed: dict[str, Any] = {}

    def compile(self, source: str, *, file: str | None = None, line: int | None = None) -> Template:
        """Compile `source` (cached by its text). Syntax errors raise TemplateError here."""
        if not isinstance(source, str):
            raise TemplateError(f"a template must be text, not {type(source).__name__!r}")
        if not is_template_string(source):
            return Template(self, source, None, file, line)
        compiled = self._compiled.get(source)
        if compiled is None:
            compiled = self._compile(source)
            self._compiled[source] = compiled
            if len(self._compiled) > _COMPILE_CACHE_SIZE:
                self._compiled.popitem(last=False)
        if isinstance(compiled, TemplateError):
            raise compiled.located(source=source, position=None, file=file, line=line)
        return Template(self, source, compiled, file, line)

    def _compile(self, source: str) -> Compiled | TemplateError:
        if len(source) > self.limits.max_source:
            return TemplateError(
                f"the template is {len(source):,} characters long; "
                f"at most {self.limits.max_source:,} are allowed",
                source=source,
            )
        _, previous = self.guard.enter()
        try:
            tree = self.env.parse(source)
            expression = expression_of(tree, self.env)
            if expression is None:
                return Compiled(self.env.from_string(tree))
            return Compiled(self.env.from_string(assign_result(expression)), names_in(expression))
        except TemplateSyntaxError as err:
            return TemplateError(
                f"template syntax error: {err.message}", source=source, position=(err.lineno, None)
            )
        except TemplateError as err:
            return err.located(source=source, position=None, file=None, line=None)
        except Exception as err:  # a template must never take the hub down
            return TemplateError(
                f"the template could not be compiled: {_explain(err)}", source=source
            )
        finally:
            self.guard.scope = previous

    def render(self, source: str, variables: Mapping[str, Any] | None = None) -> Any:
        """Compile (cached) and render `source` in one step."""
        return self.compile(source).render(variables)

    def run(
        self, template: Template, compiled: Compiled, variables: Mapping[str, Any] | None
    ) -> tuple[Any, RenderScope]:
        """Render `compiled` under a fresh scope; returns the result (or the error) and the
        scope. The result is the stripped text, or for a template that is one expression, its
        value when that is a bool, number or None (see expression.py)."""
        names = compiled.names
        if names is not None:
            return self._evaluate(template, compiled.jinja, names, variables)
        env = self.env
        guard = self.guard
        parent = self._globals.copy()
        if variables:
            parent.update(variables)
        jinja = compiled.jinja
        scope, previous = guard.enter()
        try:
            context = env.context_class(env, parent, None, jinja.blocks)
            return guard.join_output(jinja.root_render_func(context)).strip(), scope
        except TemplateError as err:
            return self._locate(err, template, jinja, err.__traceback__), scope
        except Exception as err:  # a template must never take the hub down
            return self._failed(err, template, jinja), scope
        finally:
            guard.scope = previous

    def _evaluate(
        self,
        template: Template,
        jinja: jinja2.Template,
        names: tuple[str, ...],
        variables: Mapping[str, Any] | None,
    ) -> tuple[Any, RenderScope]:
        """`run` for a template that is one expression (see expression.py)."""
        guard = self.guard
        parent = narrowed(names, variables, self._globals)
        scope, previous = guard.enter()
        try:
            context = ExpressionContext(self.env, parent, self._eval_context)
            for _ in jinja.root_render_func(context):
                pass  # the root only stores `result`; it yields nothing
            value = context.vars["result"]
            if is_fast(value) and scope.budget > _FINALIZE_RESERVE:
                return value, scope
            return str(guard.finalize(value)).strip(), scope
        except TemplateError as err:
            return self._locate(err, template, jinja, err.__traceback__), scope
        except Exception as err:  # a template must never take the hub down
            return self._failed(err, template, jinja), scope
        finally:
            guard.scope = previous

    def _failed(self, err: Exception, template: Template, jinja: jinja2.Template) -> TemplateError:
        failure = TemplateError(_explain(err))
        failure.__cause__ = err
        return self._locate(failure, template, jinja, err.__traceback__)

    def convert(self, value: Any, *, parse_result: bool) -> Any:
        """A `run` result as `render` returns it: parsed as Home Assistant does, or text."""
        if type(value) is str:
            return self.parse_result(value) if parse_result else value
        return parsed(value) if parse_result else str(value)

    def _locate(
        self,
        err: TemplateError,
        template: Template,
        compiled: jinja2.Template,
        traceback: TracebackType | None,
    ) -> TemplateError:
        line = None
        while traceback is not None:
            if traceback.tb_frame.f_code.co_filename == "<template>":
                line = compiled.get_corresponding_lineno(traceback.tb_lineno)
            traceback = traceback.tb_next
        located = err.located(
            source=template.source,
            position=(line, None) if line is not None else None,
            file=template.file,
            line=template.line,
        )
        located.__cause__ = err.__cause__
        return located

    def parse_result(self, text: str) -> Any:
        """Text as Home Assistant turns it into a value: '5' -> 5, '[1, 2]' -> [1, 2],
        'True' -> True; '0123', '1e5' and anything else stay text."""
        if text in _KEYWORDS:
            return _KEYWORDS[text]
        if not text:
            return text
        if _IS_NUMERIC.match(text) is not None:
            try:
                return float(text) if "." in text else int(text)
            except ValueError:
                return text  # '+', '.', or more digits than an int may have
        if text[0] not in _LITERAL_START and "," not in text:
            return text  # cannot be a list, dict, tuple or set literal
        cached = self._parsed.get(text, _UNCACHED)
        if cached is not _UNCACHED:
            return cached
        result = _literal(text)
        if result is text or isinstance(result, str | bytes | int | float | bool | None):
            if len(self._parsed) >= _PARSE_CACHE_SIZE:
                self._parsed.clear()
            self._parsed[text] = result
        return result


def _literal(text: str) -> Any:
    try:
        result = literal_eval(text)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return text
    if isinstance(result, str | complex) or (
        isinstance(result, int | float) and not isinstance(result, bool)
    ):
        return text  # a quoted string keeps its quotes; numbers were handled above
    return result


def _explain(err: BaseException) -> str:
    if isinstance(err, jinja2.UndefinedError):
        return str(err)
    if isinstance(err, RecursionError):
        return "the template nests too deeply"
    if isinstance(err, MemoryError):
        return "the template ran out of memory"
    message = str(err)
    return f"{type(err).__name__}: {message}" if message else type(err).__name__
