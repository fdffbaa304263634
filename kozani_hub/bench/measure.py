"""What the benchmark measures with: resident memory, percentiles, and its report."""

from __future__ import annotations

import json
import math
import resource
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

_STATUS = Path("/proc/self/status")


def rss_mib() -> float:
    """The process's resident memory now, in MiB (the peak where /proc is not available)."""
    try:
        for line in _STATUS.read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, nearest rank; 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True, slots=True)
class BenchResult:
    """The figures `kozani-hub bench` reports; `--json` prints exactly these keys."""

    rules: int
    changes: int
    actions: int
    load_s: float
    changes_per_s: float
    actions_per_s: float
    burst_p50_ms: float
    burst_p99_ms: float
    closed_p50_ms: float
    closed_p99_ms: float
    rss_load_mib: float
    rss_end_mib: float
    rss_before_load_mib: float = 0.0
    expected_actions: int = 0

    def as_json(self) -> str:
        data = asdict(self)
        del data["rss_before_load_mib"], data["expected_actions"]
        return json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in data.items()})

    @property
    def kib_per_rule(self) -> float:
        return (self.rss_load_mib - self.rss_before_load_mib) * 1024 / max(1, self.rules)

    def text(self) -> str:
        delivered = (
            "all delivered"
            if self.actions == self.expected_actions
            else f"{self.expected_actions - self.actions} NOT DELIVERED"
        )
        return "\n".join(
            [
                f"Kozani Hub rules benchmark: {self.rules:,} rules, {self.changes:,} state changes",
                f"  rule load            {self.load_s:.3f} s, {self.kib_per_rule:.2f} KiB per rule "
                f"(RSS {self.rss_before_load_mib:.1f} -> {self.rss_load_mib:.1f} MiB)",
                f"  throughput           {self.changes_per_s:,.0f} changes/s, "
                f"{self.actions_per_s:,.0f} actions/s ({self.actions:,} actions, {delivered})",
                f"  burst latency        p50 {self.burst_p50_ms:.3f} ms, p99 {self.burst_p99_ms:.3f} ms",
                f"  closed-loop latency  p50 {self.closed_p50_ms:.3f} ms, "
                f"p99 {self.closed_p99_ms:.3f} ms",
                f"  RSS at the end       {self.rss_end_mib:.1f} MiB",
            ]
        )
