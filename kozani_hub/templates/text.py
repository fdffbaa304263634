"""Text helpers: `regex_*` (with a timeout, so a catastrophic pattern cannot stall the hub),
`to_json` / `from_json`, `slugify`, `base64_*`, hashes."""

from __future__ import annotations

import base64
import hashlib
import json
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import regex

from .errors import TemplateError
from .filters import dump_json
from .guard import Guard, describe
from .numbers import no_default

_SENTINEL: Any = object()
_PATTERN_CACHE_SIZE = 256
# Greek to Latin (ELOT 743), so that Kozani's Greek names slugify to readable ids.
_GREEK = str.maketrans("αβγδεζηικλμνξοπρσςτυφω", "abgdeziiklmnxoprsstyfo") | {
    ord("θ"): "th",
    ord("χ"): "ch",
    ord("ψ"): "ps",
}


class TextFunctions:
    """Text helpers bound to one engine's guard (for the deadline and the size limit)."""

    def __init__(self, guard: Guard) -> None:
        self._guard = guard
        self._patterns: OrderedDict[tuple[str, int], regex.Pattern[str]] = OrderedDict()

    # --- regular expressions --------------------------------------------------------------

    def _pattern(self, find: Any, ignorecase: Any) -> regex.Pattern[str]:
        key = (
            self._guard.text(find, "a regular expression"),
            regex.IGNORECASE if ignorecase else 0,
        )
        pattern = self._patterns.get(key)
        if pattern is None:
            try:
                pattern = regex.compile(key[0], key[1] | regex.VERSION0)
            except regex.error as err:
                raise TemplateError(
                    f"invalid regular expression {describe(key[0])}: {err}"
                ) from None
            self._patterns[key] = pattern
            if len(self._patterns) > _PATTERN_CACHE_SIZE:
                self._patterns.popitem(last=False)
        else:
            self._patterns.move_to_end(key)
        return pattern

    def _timeout(self) -> float | None:
        """What is left of the render's time, for the regex engine to stop at."""
        remaining = self._guard.scope.deadline - time.perf_counter()
        if remaining == float("inf"):
            return None
        return max(remaining, 0.001)

    def _run(self, search: Callable[[], Any], find: Any) -> Any:
        try:
            return search()
        except TimeoutError:
            raise TemplateError(
                f"the regular expression {describe(str(find))} took too long and was stopped"
            ) from None

    def regex_match(self, value: Any, find: Any = "", ignorecase: Any = False) -> bool:
        text = self._guard.text(value, "regex_match")
        pattern = self._pattern(find, ignorecase)
        return self._run(lambda: pattern.match(text, timeout=self._timeout()) is not None, find)  # type: ignore[no-any-return]

    def regex_search(self, value: Any, find: Any = "", ignorecase: Any = False) -> bool:
        text = self._guard.text(value, "regex_search")
        pattern = self._pattern(find, ignorecase)
        return self._run(lambda: pattern.search(text, timeout=self._timeout()) is not None, find)  # type: ignore[no-any-return]

    def regex_replace(
        self, value: Any = "", find: Any = "", replace: Any = "", ignorecase: Any = False
    ) -> str:
        text = self._guard.text(value, "regex_replace")
        template = self._guard.text(replace, "regex_replace")
        pattern = self._pattern(find, ignorecase)
        limit = self._guard.limits.max_output
        grown = [len(text)]

        def expand(match: regex.Match[str]) -> str:
            piece = match.expand(template)
            grown[0] += len(piece) - (match.end() - match.start())
            if grown[0] > limit:
                self._guard.check_length(grown[0], "regex_replace")
            return piece

        return self._run(lambda: pattern.sub(expand, text, timeout=self._timeout()), find)  # type: ignore[no-any-return]

    def regex_findall(self, value: Any, find: Any = "", ignorecase: Any = False) -> list[Any]:
        text = self._guard.text(value, "regex_findall")
        pattern = self._pattern(find, ignorecase)
        return self._run(lambda: self._findall(pattern, text), find)  # type: ignore[no-any-return]

    def _findall(self, pattern: regex.Pattern[str], text: str) -> list[Any]:
        found: list[Any] = []
        size = 0
        groups = pattern.groups
        for match in pattern.finditer(text, timeout=self._timeout()):
            if groups == 0:
                item: Any = match.group()
                size += len(item)
            elif groups == 1:
                item = match.group(1) or ""
                size += len(item)
            else:
                item = match.groups(default="")
                size += sum(len(part) for part in item)
            self._guard.check_length(size, "regex_findall")
            found.append(item)
        self._guard.charge(size + len(found))
        return found

    def regex_findall_index(
        self, value: Any, find: Any = "", index: int = 0, ignorecase: Any = False
    ) -> Any:
        return self.regex_findall(value, find, ignorecase)[index]

    # --- JSON -----------------------------------------------------------------------------

    def to_json(
        self,
        value: Any,
        ensure_ascii: bool = False,
        pretty_print: bool = False,
        sort_keys: bool = False,
    ) -> str:
        return dump_json(
            self._guard,
            value,
            indent=2 if pretty_print else None,
            sort_keys=sort_keys,
            ensure_ascii=ensure_ascii,
        )

    def from_json(self, value: Any, default: Any = _SENTINEL) -> Any:
        try:
            return json.loads(value)
        except (ValueError, TypeError, RecursionError):
            if default is _SENTINEL:
                no_default("from_json", value)
            return default

    # --- other text -----------------------------------------------------------------------

    def slugify(self, value: Any, separator: str = "_") -> str:
        """'Οδός Δημοκρατίας 12' -> 'odos_dimokratias_12'."""
        text = self._guard.text(value, "slugify")
        if not text:
            return ""
        latin = _strip_accents(text.lower()).translate(_GREEK)
        ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
        words = regex.findall(r"[a-z0-9]+", ascii_text)
        return separator.join(words) if words else "unknown"

    def base64_encode(self, value: Any) -> str:
        data = value if isinstance(value, bytes) else self._guard.text(value).encode("utf-8")
        return base64.b64encode(data).decode("utf-8")

    def base64_decode(self, value: Any, encoding: str | None = "utf-8") -> Any:
        decoded = base64.b64decode(value)
        return decoded if encoding is None else decoded.decode(encoding)

    def ordinal(self, value: Any) -> int:
        return ord(value)

    def digest(self, name: str) -> Callable[[Any], str]:
        def hexdigest(value: Any) -> str:
            return hashlib.new(name, self._guard.text(value).encode("utf-8")).hexdigest()

        hexdigest.__name__ = name
        return hexdigest


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))
