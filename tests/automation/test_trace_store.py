"""The trace store: when memory runs short, the oldest traces of all rules go first, however
long the hub has been running (the age order is compacted as traces are dropped)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from kozani_hub.automation.trace import Outcome, Trace, TraceStore

START = datetime(2026, 1, 15, tzinfo=UTC)


@dataclass(frozen=True)
class Source:
    id: str
    file: str = "rules/test.yaml"
    line: int | None = 1
    lines: Mapping[str, int] = field(default_factory=dict)
    step_file: str = "rules/test.yaml"


def test_the_oldest_traces_of_all_rules_go_first_after_many_runs() -> None:
    store = TraceStore(per_rule=3, max_bytes=10**9)
    rules = [Source(f"r{n}") for n in range(5)]
    made: list[Trace] = []
    for number in range(1000):  # uneven: r0 runs most, so many of its traces are dropped
        source = rules[0] if number % 3 else rules[number % 5]
        trace = Trace(source, None, START + timedelta(seconds=number), str(number))
        store.add(trace)
        trace.finish(trace.started, Outcome.FINISHED)
        store.ended(trace)
        made.append(trace)
    kept = list(store)
    assert len(kept) == 15
    assert len(store._order) < 4 * len(kept) + 200
    store.max_bytes = store.bytes - 1  # one trace more than this: the oldest must go
    last = Trace(rules[1], None, START + timedelta(seconds=1000), "last")
    store.add(last)  # r1 keeps 3: its own oldest goes at once
    last.finish(last.started, Outcome.FINISHED)
    store.ended(last)
    own_oldest = next(t for t in kept if t.source is rules[1])
    expected = [t for t in kept if t is not own_oldest][1:]
    expected.append(last)
    assert list(store) == expected
