"""`kozani-hub check [-c DIR] [--json]`: validate everything, report each problem as
FILE:LINE: message; exit 0 when valid, 1 otherwise."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kozani_hub.alerts.setup import alert_issues
from kozani_hub.automation import load_rules
from kozani_hub.config.errors import ConfigError, ConfigIssue
from kozani_hub.config.hub_config import (
    LoadedConfig,
    integration_sections,
    load_hub_config,
    unknown_integrations,
)
from kozani_hub.config.marked import MarkedDict
from kozani_hub.config.validation import try_validate
from kozani_hub.integration import IntegrationError, available, load


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--config",
        type=Path,
        default=Path("config"),
        help="configuration folder (default: config/)",
    )
    parser.add_argument(
        "--json", action="store_true", help="print a JSON list of {file, line, message}"
    )


def check_config(config_dir: Path) -> list[ConfigIssue]:
    """Every problem in a configuration folder: hub.yaml, integration sections, rule files."""
    try:
        loaded = load_hub_config(config_dir)
    except ConfigError as err:
        # The core is invalid; still report the integration sections' problems with it.
        raw, sections = integration_sections(config_dir)
        issues = list(err.issues) + unknown_integrations(raw, available())
        issues += _integration_issues(raw, sections)
        return sorted(dict.fromkeys(issues), key=ConfigIssue.sort_key)
    issues = unknown_integrations(loaded, available())
    issues += _integration_issues(loaded.raw, loaded.integrations)
    issues += _rule_issues(loaded)
    issues += alert_issues(loaded)
    return sorted(dict.fromkeys(issues), key=ConfigIssue.sort_key)


def _integration_issues(raw: MarkedDict, sections: Mapping[str, Any]) -> list[ConfigIssue]:
    issues: list[ConfigIssue] = []
    known = available()
    for domain, section in sections.items():
        if domain not in known:
            continue  # reported by unknown_integrations
        file, line = raw.mark(domain)
        try:
            integration = load(domain, known)
        except IntegrationError as err:
            issues.append(ConfigIssue(file, line, str(err)))
            continue
        _, found = try_validate(integration.schema, section, file=file, line=line)
        issues += found
    return issues


def _rule_issues(loaded: LoadedConfig) -> list[ConfigIssue]:
    _, issues = load_rules(list(loaded.rule_dirs), roots=list(loaded.roots))
    return list(issues)


def main(args: argparse.Namespace) -> int:
    issues = check_config(args.config)
    if args.json:
        print(
            json.dumps(
                [{"file": i.file, "line": i.line, "message": i.message} for i in issues], indent=2
            )
        )
    else:
        for issue in issues:
            print(issue)
        if issues:
            print(f"{len(issues)} problem(s) found", file=sys.stderr)
        else:
            print(f"{args.config}: configuration and rules are valid", file=sys.stderr)
    return 1 if issues else 0
