"""Build the energy review: each building's automations (from their `controls:`), what they
held and saved (from the recorded states), and what the building used (from statistics)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from kozani_hub.automation.controls import Control
from kozani_hub.automation.rule import Rule
from kozani_hub.core.states import State

from .model import AutomationFigures, BuildingFigures, DayFigures, EnergyReport
from .reading import Database, Runs
from .segments import Interval, Kind, Segment, on_intervals, overlap, segments, union_hours

#: States read from this long before the period, so a setpoint lowered before it began is
#: known to be lowered.
HISTORY_BEFORE = timedelta(days=3)


@dataclass(frozen=True, slots=True)
class Declared:
    """A load as one rule declares it."""

    rule: Rule
    control: Control


def declared_loads(rules: Iterable[Rule], building: str | None = None) -> list[Declared]:
    """Every (rule, load) pair of the rules' `controls:`, of one building or of all."""
    found = [Declared(rule, c) for rule in rules for c in rule.controls]
    if building is None:
        return found
    return [d for d in found if d.control.building == building]


def build_report(db: Database, rules: Sequence[Rule], start: datetime, end: datetime,
                 tz: tzinfo, *, building: str | None = None) -> EnergyReport:
    """The review of [start, end) for every building the rules declare loads of (or one)."""
    loads = declared_loads(rules, building)
    rule_ids = {d.rule.id for d in loads}
    runs = db.runs(rule_ids, start, end)
    owners: dict[str, set[str]] = defaultdict(set)
    for d in loads:
        owners[d.control.entity_id].add(d.rule.id)
    entities = sorted({d.control.entity_id for d in loads})
    schedules = sorted({d.control.schedule for d in loads if d.control.schedule})
    history = db.states([*entities, *schedules], start - HISTORY_BEFORE, end)
    held = {
        entity_id: _clip(segments(history.get(entity_id, []), start - HISTORY_BEFORE, end,
                                  _credit(runs, owners[entity_id])), start)
        for entity_id in entities
    }
    seen = _Seen(db, held, {s: on_intervals(history.get(s, []), start, end) for s in schedules},
                 runs, start, end, tz)
    by_building: dict[str, list[Declared]] = defaultdict(list)
    for d in loads:
        by_building[d.control.building].append(d)
    buildings = [_building(seen, name, declared) for name, declared in sorted(by_building.items())]
    return EnergyReport(start, end, str(tz), tuple(buildings))


def _credit(runs: Runs, owners: set[str]) -> _Credit:
    return _Credit(runs.rule_of, owners)


@dataclass(frozen=True, slots=True)
class _Credit:
    """The rule a state change is credited to: the run that made it, or the run that caused
    that run, if the rule declares the load."""

    rule_of: Mapping[str, str]
    owners: set[str]

    def __call__(self, state: State) -> str | None:
        for context_id in (state.context.id, state.context.parent_id):
            rule_id = self.rule_of.get(context_id or "")
            if rule_id in self.owners:
                return rule_id
        return None


@dataclass(frozen=True, slots=True)
class _Seen:
    """What was read for the period: the credited segments of each load, the schedules' on
    intervals, the runs."""

    db: Database
    held: Mapping[str, list[Segment]]
    hours: Mapping[str, list[Interval]]
    runs: Runs
    start: datetime
    end: datetime
    tz: tzinfo


def _clip(found: list[Segment], start: datetime) -> list[Segment]:
    return [s if s.start >= start else Segment(s.entity_id, start, s.end, s.kind, s.level,
                                               s.rule_id)
            for s in found if s.end > start]


def _building(seen: _Seen, building: str, declared: list[Declared]) -> BuildingFigures:
    meters = seen.db.energy_meters(building)
    used_by_day = _used_by_day(seen.db, meters, seen.start, seen.end, seen.tz)
    saved_by_day: dict[date, float] = defaultdict(float)
    figures = []
    by_rule: dict[str, list[Control]] = defaultdict(list)
    rules: dict[str, Rule] = {}
    for d in declared:
        by_rule[d.rule.id].append(d.control)
        rules[d.rule.id] = d.rule
    for rule_id, controls in by_rule.items():
        spans: list[Interval] = []
        used = saved = 0.0
        for control in controls:
            own = [s for s in seen.held.get(control.entity_id, []) if s.rule_id == rule_id]
            spans += [(s.start, s.end) for s in own]
            for segment in own:
                used += control.rated_watts * segment.level * segment.hours
                for day, wh in _saved(segment, control, seen.hours, seen.tz):
                    saved += wh
                    saved_by_day[day] += wh
        figures.append(AutomationFigures(
            rule_id, rules[rule_id].name, len(seen.runs.started.get(rule_id, [])),
            union_hours(spans), used / 1000, saved / 1000,
        ))
    days = tuple(
        DayFigures(day, used_by_day.get(day), saved_by_day.get(day, 0.0) / 1000)
        for day in _days(seen.start, seen.end, seen.tz)
    )
    used_total = sum(v for v in used_by_day.values()) if used_by_day else None
    return BuildingFigures(
        building, seen.db.building_name(meters, seen.end) or building, meters, used_total,
        sum(f.kwh_saved for f in figures), tuple(sorted(figures, key=lambda f: f.name)), days,
    )


def _saved(segment: Segment, control: Control, hours: Mapping[str, list[Interval]],
           tz: tzinfo) -> list[tuple[date, float]]:
    """Wh the segment saved, split by local day."""
    out = []
    for low, high in _split_days(segment.start, segment.end, tz):
        if segment.kind in (Kind.OFF, Kind.LOWERED):
            scheduled = hours.get(control.schedule or "", [])
            wh = control.rated_watts * overlap(low, high, scheduled)
        elif segment.kind is Kind.ON and segment.level < 1.0 \
                and segment.entity_id.startswith("light."):
            wh = control.rated_watts * (1.0 - segment.level) * (high - low).total_seconds() / 3600
        else:
            continue
        if wh > 0:
            out.append((low.astimezone(tz).date(), wh))
    return out


def _midnight(day: date, tz: tzinfo) -> datetime:
    return datetime.combine(day, time(), tz)


def _days(start: datetime, end: datetime, tz: tzinfo) -> list[date]:
    first, last = start.astimezone(tz).date(), (end - timedelta(microseconds=1)).astimezone(tz)
    return [first + timedelta(days=n) for n in range((last.date() - first).days + 1)]


def _split_days(start: datetime, end: datetime, tz: tzinfo) -> list[Interval]:
    out = []
    low = start
    while low < end:
        high = min(end, _midnight(low.astimezone(tz).date() + timedelta(days=1), tz))
        out.append((low, high))
        low = high
    return out


def _used_by_day(db: Database, meters: Sequence[str], start: datetime, end: datetime,
                 tz: tzinfo) -> dict[date, float]:
    """kWh the meters counted per local day (hours whose statistics exist)."""
    used: dict[date, float] = defaultdict(float)
    for rows in db.hourly(meters, start, end, tz).values():
        for row in rows:
            if row.change is not None:
                used[row.start.astimezone(tz).date()] += row.change
    return dict(used)
