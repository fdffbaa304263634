"""TemplateError: everything that can go wrong with a template, said for people."""

from __future__ import annotations

_MAX_MESSAGE = 600


def shorten(text: str, limit: int = 80) -> str:
    """`text` cut to `limit` characters, with an ellipsis when it was longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class TemplateError(Exception):
    """A template failed to compile or to render.

    `message` says what went wrong; `source` is the template's text and `position` its
    (line, column) inside that text when known (column is None when only the line is known).
    `file` and `line` locate the template in a configuration file, when it came from one.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        position: tuple[int, int | None] | None = None,
        file: str | None = None,
        line: int | None = None,
    ) -> None:
        self.message = shorten(message, _MAX_MESSAGE)
        self.source = source
        self.position = position
        self.file = file
        self.line = line
        super().__init__(self.message)

    def located(
        self,
        *,
        source: str | None,
        position: tuple[int, int | None] | None,
        file: str | None,
        line: int | None,
    ) -> TemplateError:
        """This error with the template's text and location filled in where it lacked them."""
        return TemplateError(
            self.message,
            source=self.source if self.source is not None else source,
            position=self.position if self.position is not None else position,
            file=self.file if self.file is not None else file,
            line=self.line if self.line is not None else line,
        )

    def __str__(self) -> str:
        template_line = self.position[0] if self.position is not None else None
        if self.file is not None:
            where = self.file
            if self.line is not None:
                where += f":{self.line + (template_line or 1) - 1}"
            return f"{where}: {self.message}"
        if template_line is not None and self.source is not None and "\n" in self.source:
            return f"{self.message} (template line {template_line})"
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild, (self.message, self.source, self.position, self.file, self.line))


def _rebuild(
    message: str,
    source: str | None,
    position: tuple[int, int | None] | None,
    file: str | None,
    line: int | None,
) -> TemplateError:
    return TemplateError(message, source=source, position=position, file=file, line=line)
