"""The recorder: history, statistics and what a restart must not forget, in SQLite.

One writer thread with its own connection turns states, events and rule runs into rows and
commits at least every `commit_interval` (1 s by default); the event loop only queues. The
queue is bounded: when the database cannot keep up, new items are dropped, counted and
reported. A corrupt or unusable database is moved aside and the hub goes on with a fresh one
(in memory, if no file can be made). The schema is versioned; see `schema.MIGRATIONS`.

Public API (of a started `Recorder`, `hub.yaml` section `recorder:` = `RecorderConfig`):

    recorder.history.states(ids, start, end=None, *, significant_only, include_start)
    recorder.history.significant_states(ids, start, end)  # attribute-only updates left out
    recorder.history.events(start, end, event_types) / rule_runs(start, end, rule_id)
    recorder.statistics.during(ids, start, end, period)  # "5minute" "hour" "day" "week" "month"
    recorder.statistics.list()                           # what has statistics, unit, kind
    recorder.store.put(kind, key, payload, due) / put_many / delete / replace / items
                                   # durable: each completes after a synced commit
    recorder.write_now(fn)         # fn(conn) on the writer's connection, committed and synced
                                   # before the awaitable completes (alerts before sending)
    recorder.last_state(entity_id) # a restorable entity's state when the hub last stopped
    recorder.restored              # RestoreData: saved states, pending items, previous run
    recorder.link(component)       # keep a component's pending work, saved states, rule runs
    recorder.record_rule_run(run)  # a RuleRun by hand
    recorder.purge(keep_days) / compile_statistics() / flush() / status / crash()

Components take part by shape (see `links`): `snapshot_pending`, `resume_pending` and
`add_pending_listener` (the rules engine's pending `for:` waits, waiting runs, schedules);
`name` plus `restore_state(state)` (a rule's on/off and last_triggered); an entity object's
`restore_state(state)` (helpers); `add_trace_listener` (rule runs).
"""

from .codec import NotSerialisable
from .config import FilterConfig, RecorderConfig
from .recorder import Recorder
from .restore import PendingItem, PreviousRun, RestoreData, RestoreStore
from .runs import RuleRun
from .statistics.query import StatisticMeta, StatisticRow
from .status import RecorderStatus

__all__ = [
    "FilterConfig",
    "NotSerialisable",
    "PendingItem",
    "PreviousRun",
    "Recorder",
    "RecorderConfig",
    "RecorderStatus",
    "RestoreData",
    "RestoreStore",
    "RuleRun",
    "StatisticMeta",
    "StatisticRow",
]
