"""`kozani-hub bench`: the city-scale benchmark, run in-process on real time.

The rules workload (`rules.py`, run by `run.py`) is the reference workload of the rules issue:
N rules, M state changes, through the same path as `kozani-hub run`. The Modbus benchmark
lives in `modbus.py`.
"""

from .measure import BenchResult, RecorderComparison, RecorderFigures
from .run import BenchOptions, compare_recorder, run_rules_bench

__all__ = [
    "BenchOptions",
    "BenchResult",
    "RecorderComparison",
    "RecorderFigures",
    "compare_recorder",
    "run_rules_bench",
]
