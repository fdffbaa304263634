"""`kozani-hub energy report [-c DIR] --from DATE --to DATE [--building NAME] [--csv FILE]
[--plot FILE.png]`: per building and per automation, runs, hours in effect, kWh used and an
estimate of the kWh saved, from the recorder's database and the rules' `controls:`."""

from __future__ import annotations

import argparse
import sqlite3
import sys
from datetime import datetime
from pathlib import Path

from kozani_hub.automation import load_rules
from kozani_hub.automation.rule import Rule
from kozani_hub.commands.periods import check_order, parse_when
from kozani_hub.config.errors import ConfigError, display_path
from kozani_hub.config.hub_config import LoadedConfig, load_hub_config
from kozani_hub.energy import Database, EnergyReport, build_report, render, to_csv
from kozani_hub.energy.plot import plot
from kozani_hub.recorder.recorder import resolve_path


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    report = sub.add_parser(
        "report", help="per building and automation: runs, hours, kWh used and saved",
        description="Per building and per automation: runs, hours in effect, kWh used and "
                    "an estimate of the kWh saved, with the method under the table.")
    report.add_argument("-c", "--config", type=Path, default=Path("config"),
                        help="configuration folder (default: config/)")
    report.add_argument("--from", dest="start", metavar="DATE", required=True,
                        help="first day (YYYY-MM-DD) or an ISO time, in the hub's time zone")
    report.add_argument("--to", dest="end", metavar="DATE", required=True,
                        help="last day, included (YYYY-MM-DD), or an ISO time (not included)")
    report.add_argument("--building", metavar="NAME",
                        help="only this building: its id (school_1st_gymnasium) or its name")
    report.add_argument("--csv", type=Path, metavar="FILE", help="write the rows as CSV too")
    report.add_argument("--plot", type=Path, metavar="FILE.png",
                        help="draw daily kWh per building with the savings marked")


def main(args: argparse.Namespace) -> int:
    try:
        loaded = load_hub_config(args.config)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    tz = loaded.core.hub.tzinfo
    try:
        start = parse_when(args.start, tz, end=False)
        stop = parse_when(args.end, tz, end=True)
        check_order(start, stop)
        report = _report(loaded, start, stop, args.building)
    except (ValueError, FileNotFoundError, sqlite3.Error) as err:
        print(f"kozani-hub energy report: {err}", file=sys.stderr)
        return 1
    print(render(report, tz))
    if args.csv is not None:
        args.csv.write_text(to_csv(report), encoding="utf-8")
        print(f"\nRows written to {display_path(args.csv)}")
    if args.plot is not None:
        plot(report, args.plot)
        print(f"Daily kWh drawn in {display_path(args.plot)}")
    return 0


def _rules(loaded: LoadedConfig) -> list[Rule]:
    rules, issues = load_rules(list(loaded.rule_dirs), roots=list(loaded.roots))
    for issue in issues:
        print(f"warning: {issue} (that rule is left out)", file=sys.stderr)
    return list(rules.values())


def _report(loaded: LoadedConfig, start: datetime, stop: datetime,
            building: str | None) -> EnergyReport:
    rules = _rules(loaded)
    path = resolve_path(loaded.core.recorder, loaded.config_dir)
    with Database(path) as db:
        wanted = _building_id(db, rules, building, stop) if building else None
        return build_report(db, rules, start, stop, loaded.core.hub.tzinfo, building=wanted)


def _building_id(db: Database, rules: list[Rule], given: str, end: datetime) -> str:
    """The building id for --building, given as its id or its name (any case)."""
    ids = sorted({c.building for rule in rules for c in rule.controls})
    text = given.strip().lower()
    for building in ids:
        name = db.building_name(db.energy_meters(building), end) or ""
        if text in (building, name.lower()):
            return building
    known = ", ".join(ids) or "none (no rule declares controls:)"
    raise ValueError(f"no building {given!r}; the buildings are {known}")
