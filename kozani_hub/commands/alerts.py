"""`kozani-hub alerts report [-c DIR] [--from DATE --to DATE] [--json]`: alarm rates per
category against the EEMUA 191 targets, the most frequent, chattering and standing alerts, read
from the recorder's database."""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from datetime import datetime, timedelta, tzinfo
from pathlib import Path

from kozani_hub.alerts.report import (
    FLOOD_PER_10_MIN,
    FLOOD_SHARE_TARGET,
    TARGET_PER_10_MIN,
    CategoryFigures,
    Report,
    as_dict,
    build,
    read_history,
)
from kozani_hub.commands.periods import check_order, parse_when
from kozani_hub.config.errors import ConfigError, display_path
from kozani_hub.config.hub_config import LoadedConfig, load_hub_config
from kozani_hub.core.clock import RealClock
from kozani_hub.recorder.recorder import resolve_path

DEFAULT_DAYS = 7


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    report = sub.add_parser("report", help="alarm rates per category against EEMUA 191",
                            description="Alarm rates per category against EEMUA 191 targets.")
    report.add_argument("-c", "--config", type=Path, default=Path("config"),
                        help="configuration folder (default: config/)")
    report.add_argument("--from", dest="start", metavar="DATE",
                        help="start (YYYY-MM-DD or an ISO time, hub's time zone); default: "
                             f"{DEFAULT_DAYS} days before --to")
    report.add_argument("--to", dest="end", metavar="DATE",
                        help="end, not included (a date means the end of that day); "
                             "default: now")
    report.add_argument("--json", action="store_true", help="print the figures as JSON")


def period(args: argparse.Namespace, tz: tzinfo) -> tuple[datetime, datetime]:
    """[from, to), the end no later than now (rates over time yet to come would be diluted)."""
    now = RealClock().now().astimezone(tz)
    stop = min(parse_when(args.end, tz, end=True), now) if args.end else now
    start = parse_when(args.start, tz, end=False) if args.start \
        else stop - timedelta(days=DEFAULT_DAYS)
    check_order(start, stop)
    return start, stop


def main(args: argparse.Namespace) -> int:
    try:
        loaded = load_hub_config(args.config)
    except ConfigError as err:
        print(err, file=sys.stderr)
        return 1
    tz = loaded.core.hub.tzinfo
    try:
        start, stop = period(args, tz)
        report = _report(loaded, start, stop)
    except (ValueError, FileNotFoundError, sqlite3.Error) as err:
        print(f"kozani-hub alerts report: {err}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_dict(report), indent=2))
    else:
        print(render(report, tz))
    return 0


def _report(loaded: LoadedConfig, start: datetime, stop: datetime) -> Report:
    path = resolve_path(loaded.core.recorder, loaded.config_dir)
    if not path.is_file():
        raise FileNotFoundError(f"no recorder database at {display_path(path)}; the hub writes "
                                "it while it runs")
    inside, deliveries, before = read_history(path, start, stop)
    flood = loaded.core.alerts.flood
    return build(inside, before, deliveries, start, stop, chatter_count=flood.chatter_count,
                 chatter_window=flood.chatter_window)


def _line(f: CategoryFigures) -> str:
    ack = _duration(f.median_ack) if f.median_ack is not None else "-"
    mark = "ok" if f.within_targets else "OVER"
    return (f"{f.category:<12} {f.alarms:>7} {f.per_10_min:>9.2f} {f.per_hour:>8.1f} "
            f"{f.per_day:>8.1f} {f.peak_10_min:>8} {f.flood_share * 100:>7.1f}% {ack:>9}  "
            f"{mark:<4} {f.verdict}")


def _duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def render(report: Report, tz: tzinfo) -> str:
    """The report as a technician reads it."""
    def local(when: datetime) -> str:
        return when.astimezone(tz).isoformat(sep=" ", timespec="minutes")

    lines = [
        f"Alarm rates from {local(report.start)} to {local(report.end)}",
        f"EEMUA 191 targets: about {TARGET_PER_10_MIN:g} alarm per 10 minutes on average; more "
        f"than {FLOOD_PER_10_MIN} in 10 minutes is a flood, under "
        f"{FLOOD_SHARE_TARGET:.0%} of the time.",
        "",
        f"{'category':<12} {'alarms':>7} {'per 10min':>9} {'per hour':>8} {'per day':>8} "
        f"{'peak/10m':>8} {'flood':>8} {'ack p50':>9}  verdict",
    ]
    lines += [_line(f) for f in report.categories]
    lines.append(_line(report.total))
    if report.frequent:
        lines += ["", "Most frequent alerts:"]
        total = max(1, report.total.alarms)
        lines += [f"  {a:<32} {n:>6}  ({n / total:.0%} of all alarms)"
                  for a, n in report.frequent]
    if report.chattering:
        lines += ["", "Chattering (activations within the chatter window):"]
        lines += [f"  {a:<32} {n:>6}" for a, n in report.chattering]
    if report.standing:
        lines += ["", "Not normal at the end of the period:"]
        for alert_id, state, since in report.standing:
            stale = "  stale (over 24 h)" if report.end - since > timedelta(hours=24) else ""
            lines.append(f"  {alert_id:<32} {state:<13} since {local(since)}{stale}")
    if report.deliveries:
        d = report.deliveries
        lines += ["", f"Notifications: {d.get('queued', 0)} decided, {d.get('attempt', 0)} "
                  f"attempts, {d.get('delivered', 0)} delivered, {d.get('retry', 0)} retried, "
                  f"{d.get('failed', 0)} failed for good"]
    return "\n".join(lines)
