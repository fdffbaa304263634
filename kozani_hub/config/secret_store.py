"""The values behind `!secret NAME`, read from secrets.yaml beside the main configuration file."""

from __future__ import annotations

import difflib
import os
from pathlib import Path
from typing import Any

from kozani_hub.config.builder import LoadContext, describe_kind, load_document
from kozani_hub.config.errors import ConfigIssue, display_path
from kozani_hub.config.includes import SECRETS_FILE

EXAMPLE_FILE = "secrets.example.yaml"


class SecretMissing(Exception):
    """A secret was asked for that cannot be given; the text says why and what to do."""


class SecretStore:
    """The secrets of one configuration; the file is read on first use, and only once."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._values: dict[Any, Any] | None = None
        self._issues: list[ConfigIssue] = []
        self._loaded = False

    @classmethod
    def beside(cls, config_file: Path) -> SecretStore:
        """Return the store for the secrets.yaml in the folder of `config_file`."""
        return cls(config_file.parent / SECRETS_FILE)

    @property
    def issues(self) -> list[ConfigIssue]:
        """The problems found in secrets.yaml itself (empty until a secret is asked for)."""
        return list(self._issues)

    def get(self, name: str) -> Any:
        """Return the value of secret `name`, or raise SecretMissing saying what to do."""
        values = self._load()
        shown = display_path(self.path)
        if values is None:
            raise SecretMissing(f"secret '{name}' cannot be found: {shown} does not exist; "
                                f"{self._create_hint(name)}")
        if name in values:
            return values[name]
        if self._issues:
            raise SecretMissing(f"secret '{name}' cannot be read: {shown} has errors")
        close = difflib.get_close_matches(name, [str(key) for key in values], n=1)
        hint = f"; did you mean '{close[0]}'?" if close else f"; add '{name}: VALUE' to it"
        raise SecretMissing(f"secret '{name}' is not defined in {shown}{hint}")

    def _create_hint(self, name: str) -> str:
        example = self.path.with_name(EXAMPLE_FILE)
        if example.is_file():
            return (f"copy {display_path(example)} to {SECRETS_FILE} and give '{name}' "
                    "a value there")
        return f"create it with a line '{name}: VALUE'"

    def _load(self) -> dict[Any, Any] | None:
        if self._loaded:
            return self._values
        self._loaded = True
        if not self.path.is_file():
            return None
        ctx = LoadContext(roots=(self.path.parent.resolve(),), secrets=None, env=os.environ,
                          tags={})
        data, _ = load_document(ctx, self.path, None)
        self._issues = ctx.issues
        if data is None:
            data = {}
        if not isinstance(data, dict):
            self._issues.append(ConfigIssue(str(self.path), 1, "expected a mapping of names to "
                                            f"values (api_token: ...), found {describe_kind(data)}"))
            data = {}
        self._values = data
        return data
