"""How configuration problems read when printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from kozani_hub.config.errors import ConfigError, ConfigIssue


def test_issue_reads_file_colon_line_colon_message_relative_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    issue = ConfigIssue(str(tmp_path / "config" / "hub.yaml"), 12, "expected a number, found 'x'")
    assert str(issue) == "config/hub.yaml:12: expected a number, found 'x'"


def test_issue_outside_cwd_keeps_its_absolute_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert str(ConfigIssue("/elsewhere/hub.yaml", 3, "m")) == "/elsewhere/hub.yaml:3: m"


def test_issue_without_line_names_only_the_file() -> None:
    assert str(ConfigIssue("rules/a.yaml", None, "not found")) == "rules/a.yaml: not found"


def test_error_carries_and_prints_every_issue() -> None:
    issues = [ConfigIssue("a.yaml", 1, "first"), ConfigIssue("b.yaml", 2, "second")]
    error = ConfigError(issues)
    assert error.issues == issues
    assert str(error) == "a.yaml:1: first\nb.yaml:2: second"


def test_single_builds_one_issue() -> None:
    error = ConfigError.single(Path("hub.yaml"), 4, "oops")
    assert error.issues == [ConfigIssue("hub.yaml", 4, "oops")]
