"""The guard every render runs under: a deadline, a work budget, size limits, and the guarded
operators (`*`, `**`, `+`, `%`, `~`) that check the size of a result before building it."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any, NoReturn

from .errors import TemplateError, shorten
from .limits import SCALARS, Limits, RenderScope, weight

# The render limit protects the event loop from a template that computes for too long, so it
# measures real elapsed time: the hub's clock (simulated in tests) stands still during a render.
_elapsed = time.perf_counter

_TEXTUAL = (str, bytes)
_SEQUENCES = (list, tuple)
_CONTAINERS = (list, tuple, dict, set, frozenset)
_REPEATABLE = (str, bytes, list, tuple)


def describe(value: Any) -> str:
    """A short, safe description of a value for an error message (never its whole text)."""
    if isinstance(value, str):
        return repr(shorten(value, 40))
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = (
            f"{value}" if not isinstance(value, int) or value.bit_length() < 200 else "a huge int"
        )
        return shorten(text, 40)
    if isinstance(value, _CONTAINERS):
        return f"a {type(value).__name__} of {len(value)} items"
    name = getattr(value, "__name__", None)
    if callable(value) and isinstance(name, str):
        return f"{shorten(name, 40)}()"
    return f"a {type(value).__name__}"


class Guard:
    """Holds the limits of one engine and the scope of the render in progress."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.scope = RenderScope.idle()

    # --- scope ----------------------------------------------------------------------------

    def enter(self) -> tuple[RenderScope, RenderScope]:
        """Start a render (or compile) scope; returns (new scope, the one to restore after)."""
        previous = self.scope
        scope = RenderScope(_elapsed() + self.limits.render_timeout, self.limits.work_budget)
        self.scope = scope
        return scope, previous

    def check(self) -> None:
        """Stop the render if it has run past its deadline."""
        if _elapsed() > self.scope.deadline:
            self.timed_out()

    def timed_out(self) -> NoReturn:
        raise TemplateError(
            f"the template ran for more than {self.limits.render_timeout:g} s and was stopped"
        )

    def charge(self, amount: int) -> None:
        """Count `amount` characters (or items) of work against the render's budget."""
        scope = self.scope
        scope.budget -= amount
        if scope.budget < 0:
            raise TemplateError(
                f"the template built more than {self.limits.work_budget:,} characters of text "
                "and lists in one render and was stopped"
            )

    def charge_weight(self, value: Any, times: int = 1) -> None:
        """Charge what `value` would weigh as text, `times` over (a list repeated, a fill)."""
        if times:
            self.charge(weight(value, self.scope.budget // times + 1) * times)

    def check_length(self, length: int, what: str) -> None:
        """Refuse a string of `length` characters built by `what` when it is too long."""
        if length > self.limits.max_output:
            raise TemplateError(
                f"{what} would build a string of {length:,} characters; "
                f"templates may build at most {self.limits.max_output:,}"
            )

    def check_items(self, count: int, what: str) -> None:
        if count > self.limits.max_items:
            raise TemplateError(
                f"{what} would build a list of {count:,} items; "
                f"templates may build at most {self.limits.max_items:,}"
            )

    def measure(self, value: Any, what: str) -> None:
        """Refuse `value` when its text would be too long, without building that text."""
        if not isinstance(value, SCALARS):
            limit = self.limits.max_output
            size = weight(value, limit)
            if size > limit:
                self.check_length(size, f"{what} ({describe(value)})")

    def text(self, value: Any, what: str = "converting a value to text") -> str:
        """`str(value)`, refused before it is built when it would be too long."""
        if isinstance(value, str):
            return value
        limit = self.limits.max_output
        if not isinstance(value, SCALARS):
            size = weight(value, limit)
            if size > limit:
                self.check_length(size, f"{what} ({describe(value)})")
        text = str(value)
        self.check_length(len(text), what)
        return text

    # --- guarded operators ----------------------------------------------------------------

    def multiply(self, left: Any, right: Any) -> Any:
        if isinstance(left, int) and isinstance(right, int):
            if left.bit_length() + right.bit_length() > self.limits.max_int_bits + 1:
                self._int_too_big(f"{describe(left)} * {describe(right)}")
            return self._small_int(left * right, f"{describe(left)} * {describe(right)}")
        if isinstance(right, int) and isinstance(left, _REPEATABLE):
            return self._repeat(left, right)
        if isinstance(left, int) and isinstance(right, _REPEATABLE):
            return self._repeat(right, left)
        return left * right

    def _repeat(self, sequence: Any, times: int) -> Any:
        what = f"{describe(sequence)} * {describe(times)}"
        count = len(sequence) * max(times, 0)
        if isinstance(sequence, _TEXTUAL):
            self.check_length(count, what)
            self.charge(count)
        else:
            self.check_items(count, what)
            self.charge_weight(sequence, max(times, 0))
        return sequence * times

    def power(self, base: Any, exponent: Any) -> Any:
        if isinstance(base, int) and isinstance(exponent, int) and exponent > 0 and abs(base) > 1:
            what = f"{describe(base)} ** {describe(exponent)}"
            if (abs(base).bit_length() - 1) * exponent > self.limits.max_int_bits:
                self._int_too_big(what)
            return self._small_int(base**exponent, what)
        return base**exponent

    def _small_int(self, value: int, what: str) -> int:
        if value.bit_length() > self.limits.max_int_bits:
            self._int_too_big(what)
        return value

    def _int_too_big(self, what: str) -> NoReturn:
        raise TemplateError(
            f"{what} would build an integer larger than {self.limits.max_int_bits} bits; "
            "use a float (such as 2.0 ** 200) for very large numbers"
        )

    def add(self, left: Any, right: Any) -> Any:
        if isinstance(left, str) and isinstance(right, str):
            length = len(left) + len(right)
            self.check_length(length, "'+'")
            self.charge(length)
        elif isinstance(left, _SEQUENCES) and isinstance(right, _SEQUENCES):
            self.check_items(len(left) + len(right), "'+'")
            self.charge_weight(left if len(left) <= len(right) else right)
        return left + right

    def concat(self, values: Iterable[Any]) -> str:
        """The `~` operator: every operand as text, joined, refused before it grows too long."""
        parts: list[str] = []
        length = 0
        limit = self.limits.max_output
        for value in values:
            part = value if type(value) is str else self.text(value, "'~'")
            length += len(part)
            if length > limit:
                self.check_length(length, "'~'")
            parts.append(part)
        return "".join(parts)

    # --- loops and output -----------------------------------------------------------------

    def iterate(self, iterable: Iterable[Any], literal_size: int) -> Iterator[Any]:
        """Each `{% for %}` loop runs through here: the deadline is checked on every item,
        and the literal text of the loop's body is charged to the budget."""
        scope = self.scope
        deadline = scope.deadline
        for item in iterable:
            if _elapsed() > deadline:
                self.timed_out()
            if literal_size:
                self.charge(literal_size)
            yield item

    def finalize(self, value: Any) -> str:
        """Every `{{ }}` output passes here: measured, turned into text, charged."""
        text = value if type(value) is str else self.text(value, "the output")
        scope = self.scope
        scope.budget -= len(text)
        if scope.budget < 0:
            self.charge(0)
        return text

    def join_output(self, chunks: Iterable[str]) -> str:
        """The rendered text, stopped as soon as it passes the output cap."""
        parts: list[str] = []
        size = 0
        limit = self.limits.max_output
        for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise TemplateError(
                    f"the template's output passed {limit:,} characters and was stopped"
                )
            parts.append(chunk)
        return "".join(parts)
