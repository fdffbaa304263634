"""Configuration problems, reported to people as `FILE:LINE: message`."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path


def display_path(file: str | os.PathLike[str]) -> str:
    """Return `file` relative to the working directory when it lies below it."""
    path = Path(file)
    if not path.is_absolute():
        return str(path)
    try:
        return str(path.relative_to(Path.cwd()))
    except ValueError:
        return str(path)


@dataclass(frozen=True, slots=True)
class ConfigIssue:
    """One problem in one configuration file, with the line it concerns when known."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = display_path(self.file)
        if self.line is not None:
            where = f"{where}:{self.line}"
        return f"{where}: {self.message}"

    def sort_key(self) -> tuple[str, int, str]:
        """Order issues by file, then line, then message."""
        return (self.file, self.line or 0, self.message)


class ConfigError(Exception):
    """The configuration is not valid; `issues` lists every problem found, not only the first."""

    def __init__(self, issues: Iterable[ConfigIssue]) -> None:
        self.issues: list[ConfigIssue] = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))

    @classmethod
    def single(cls, file: str | os.PathLike[str], line: int | None, message: str) -> ConfigError:
        """Build an error that carries one issue."""
        return cls([ConfigIssue(os.fspath(file), line, message)])

    def __str__(self) -> str:
        # Recomputed so that paths follow the working directory at the time of printing.
        return "\n".join(str(issue) for issue in self.issues)
