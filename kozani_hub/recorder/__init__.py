"""The recorder: history, statistics and restore data in SQLite.

One writer thread with its own connection turns states, events and rule runs into rows and
commits at least every `commit_interval` (1 s by default); the event loop only queues. The
queue is bounded: when the database cannot keep up, new items are dropped, counted and
reported. A corrupt or unusable database is moved aside and the hub goes on with a fresh one.

Public API (on a started `Recorder`):
    recorder.history.states(ids, start, end) / significant_states / events / rule_runs
    recorder.statistics.during(ids, start, end, period) / list()
    recorder.store.put(kind, key, payload, due) / delete / replace / items   (durable)
    recorder.write_now(fn)         durable synchronous commit of your own writes
    recorder.last_state(entity_id) / recorder.restored (pending items, previous run)
    recorder.record_rule_run(RuleRun)
    recorder.purge(keep_days) / compile_statistics() / flush() / status
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
