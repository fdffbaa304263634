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

from .environment import HubEnvironment
from .errors import TemplateError
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


class Template:
    """A compiled template. Render it as often as needed; compile once (the engine caches)."""

    __slots__ = ("_compiled", "_engine", "file", "is_static", "line", "source")

    def __init__(
        self,
        engine: TemplateEngine,
        source: str,
        compiled: jinja2.Template | None,
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
        text = self._engine.run(self, self._compiled, variables)[0]
        if isinstance(text, TemplateError):
            raise text
        return self._engine.parse_result(text) if parse_result else text

    def render_with_info(
        self, variables: Mapping[str, Any] | None = None, *, parse_result: bool = True
    ) -> RenderInfo:
        """Render, and report what the render read; an error is returned, not raised."""
        if self._compiled is None:
            return RenderInfo(self.source, None, frozenset(), frozenset(), False, False)
        text, scope = self._engine.run(self, self._compiled, variables)
        if isinstance(text, TemplateError):
            result, error = None, text
        else:
            result = self._engine.parse_result(text) if parse_result else text
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
        self._compiled: OrderedDict[str, jinja2.Template | TemplateError] = OrderedDict()
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

    def _compile(self, source: str) -> jinja2.Template | TemplateError:
        if len(source) > self.limits.max_source:
            return TemplateError(
                f"the template is {len(source):,} characters long; "
                f"at most {self.limits.max_source:,} are allowed",
                source=source,
            )
        _, previous = self.guard.enter()
        try:
            return self.env.from_string(source)
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
        self, template: Template, compiled: jinja2.Template, variables: Mapping[str, Any] | None
    ) -> tuple[str | TemplateError, RenderScope]:
        """Render `compiled` under a fresh scope: the stripped text (or the error) and the scope."""
        env = self.env
        guard = self.guard
        parent = self._globals.copy()
        if variables:
            parent.update(variables)
        scope, previous = guard.enter()
        try:
            context = env.context_class(env, parent, None, compiled.blocks)
            return guard.join_output(compiled.root_render_func(context)).strip(), scope
        except TemplateError as err:
            return self._locate(err, template, compiled, err.__traceback__), scope
        except Exception as err:  # a template must never take the hub down
            failure = TemplateError(_explain(err))
            failure.__cause__ = err
            return self._locate(failure, template, compiled, err.__traceback__), scope
        finally:
            guard.scope = previous

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
