"""Run the rules benchmark in this process, on real time, and measure it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import tempfile
from collections import deque
from dataclasses import dataclass, replace
from pathlib import Path
from time import perf_counter

from kozani_hub.bootstrap import hub_from_config
from kozani_hub.config.hub_config import load_hub_config
from kozani_hub.core.clock import RealClock
from kozani_hub.core.services import ServiceCall
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder

from .measure import BenchResult, RecorderComparison, RecorderFigures, percentile, rss_mib
from .rules import changes, entity_id, reset_value, trigger_value, write_rules

DELIVERY_TIMEOUT = 120.0
WARM_UP_SENSORS = 2000


@dataclass(frozen=True, slots=True)
class BenchOptions:
    """How big a run; `with_recorder` adds the recorder to the hub, as `--recorder` asks."""

    rules: int = 1000
    changes: int = 60_000
    closed_loop: int = 2000
    with_recorder: bool = False


class HitProbe:
    """The `bench.hit` service: counts the actions and times each from its state change."""

    def __init__(self, rules: int) -> None:
        self.sent: list[deque[float]] = [deque() for _ in range(rules)]
        self.latencies: list[float] = []
        self.count = 0
        self.last = 0.0
        self.target = 0
        self.reached = asyncio.Event()

    def expect(self, total: int) -> None:
        """Set `reached` once `total` actions have arrived since counting started."""
        self.target = total
        self.reached.clear()
        if self.count >= total:
            self.reached.set()

    def hit(self, call: ServiceCall) -> None:
        now = perf_counter()
        sent = self.sent[call.data["idx"]]
        if sent:
            self.latencies.append(now - sent.popleft())
        self.count += 1
        self.last = now
        if self.count >= self.target:
            self.reached.set()

    def reset(self) -> None:
        self.latencies = []
        self.count = 0

    async def wait(self, total: int) -> None:
        self.expect(total)
        with contextlib.suppress(TimeoutError):  # reported as actions not delivered
            await asyncio.wait_for(self.reached.wait(), DELIVERY_TIMEOUT)


HUB_YAML = """\
hub:
  name: Kozani Hub benchmark
  latitude: 40.3007
  longitude: 21.7887
  elevation: 710
  time_zone: Europe/Athens
  rules: rules
  trace_runs: 10
"""


def build_bench_hub(folder: Path, *, with_recorder: bool) -> Hub:
    """The hub of a configuration folder holding the workload, built as `kozani-hub run` builds
    it (real time; no device integrations, no HTTP server; the recorder when asked)."""
    (folder / "hub.yaml").write_text(HUB_YAML, encoding="utf-8")
    return hub_from_config(
        load_hub_config(folder),
        RealClock(),
        with_integrations=False,
        with_http=False,
        with_recorder=with_recorder,
        owns_process=True,
    )


async def run_rules_bench(options: BenchOptions) -> BenchResult:
    """Load the workload's rules into a hub built as `kozani-hub run` builds it, then drive it."""
    with tempfile.TemporaryDirectory(prefix="kozani-bench-") as workdir:
        folder = Path(workdir)
        write_rules(folder / "rules", options.rules)
        hub = build_bench_hub(folder, with_recorder=options.with_recorder)
        probe = HitProbe(options.rules)
        hub.services.register("bench", "hit", probe.hit, None, "counts benchmark actions")
        for index in range(options.rules):
            hub.states.set(entity_id(index), reset_value(index))
        gc.collect()
        rss_before = rss_mib()
        started = perf_counter()
        await hub.start()
        load_s = perf_counter() - started
        gc.collect()
        rss_load = rss_mib()
        recorder = next((c for c in hub.components if isinstance(c, Recorder)), None)
        figures: RecorderFigures | None = None
        try:
            await _warm_up(hub, probe, options.rules)
            if recorder is not None:
                await recorder.flush()  # the burst starts with the writer idle
                rows_before = recorder.status.rows_written
            changes_s, actions, burst = await _burst(hub, probe, options)
            if recorder is not None:
                figures = await _recorder_figures(recorder, probe, rows_before)
            closed = await _closed_loop(hub, probe, options)
        finally:
            await hub.stop()
        gc.collect()
        return BenchResult(
            rules=options.rules,
            changes=options.changes,
            actions=actions,
            load_s=load_s,
            changes_per_s=options.changes / changes_s if changes_s else 0.0,
            actions_per_s=actions / changes_s if changes_s else 0.0,
            burst_p50_ms=percentile(burst, 50) * 1000,
            burst_p99_ms=percentile(burst, 99) * 1000,
            closed_p50_ms=percentile(closed, 50) * 1000,
            closed_p99_ms=percentile(closed, 99) * 1000,
            rss_load_mib=rss_load,
            rss_end_mib=rss_mib(),
            rss_before_load_mib=rss_before,
            expected_actions=_triggering(options.changes, options.rules),
            recorder=figures,
        )


async def compare_recorder(options: BenchOptions, rounds: int = 3) -> RecorderComparison:
    """The workload without and with the recorder, `rounds` times each, alternately; the
    recorder's figures are those of its median round."""
    without: list[float] = []
    with_recorder: list[BenchResult] = []
    for _ in range(rounds):
        plain = await run_rules_bench(replace(options, with_recorder=False))
        without.append(plain.changes_per_s)
        with_recorder.append(await run_rules_bench(replace(options, with_recorder=True)))
    ranked = sorted(with_recorder, key=lambda r: r.changes_per_s)
    middle = ranked[len(ranked) // 2].recorder
    assert middle is not None
    return RecorderComparison(
        rules=options.rules,
        changes=options.changes,
        without=tuple(without),
        with_recorder=tuple(r.changes_per_s for r in with_recorder),
        recorder=middle,
    )


async def _recorder_figures(
    recorder: Recorder, probe: HitProbe, rows_before: int
) -> RecorderFigures:
    last_action = probe.last
    await recorder.flush()
    status = recorder.status
    return RecorderFigures(
        rows=status.rows_written - rows_before,
        queue_peak=status.queue_peak,
        queue_max=status.queue_max,
        dropped=status.dropped,
        catch_up_s=max(0.0, perf_counter() - last_action),
    )


def _triggering(count: int, rules: int) -> int:
    return sum(1 for index, value in changes(count, rules) if value == trigger_value(index))


async def _drive(hub: Hub, probe: HitProbe, count: int, sensors: int) -> None:
    """`count` changes round-robin over the first `sensors` sensors, yielding after each."""
    states = hub.states
    ids = [entity_id(i) for i in range(sensors)]
    triggers = [trigger_value(i) for i in range(sensors)]
    sent = probe.sent
    for index, value in changes(count, sensors):
        if value == triggers[index]:
            sent[index].append(perf_counter())
        states.set(ids[index], value)
        await asyncio.sleep(0)


async def _warm_up(hub: Hub, probe: HitProbe, rules: int) -> None:
    sensors = min(rules, WARM_UP_SENSORS)
    await _drive(hub, probe, 2 * sensors, sensors)
    await probe.wait(sensors)
    probe.reset()


async def _burst(
    hub: Hub, probe: HitProbe, options: BenchOptions
) -> tuple[float, int, list[float]]:
    """Returns (seconds from the first change to the last action, actions, latencies)."""
    expected = _triggering(options.changes, options.rules)
    started = perf_counter()
    await _drive(hub, probe, options.changes, options.rules)
    await probe.wait(expected)
    elapsed = (probe.last if probe.count else perf_counter()) - started
    actions, latencies = probe.count, probe.latencies
    probe.reset()
    return elapsed, actions, latencies


async def _closed_loop(hub: Hub, probe: HitProbe, options: BenchOptions) -> list[float]:
    """One triggering change at a time, each waited for: the latency of a quiet hub."""
    samples = min(options.closed_loop, max(10, options.changes // 20))
    for queue in probe.sent:
        queue.clear()
    for number in range(samples):
        index = number % options.rules
        hub.states.set(entity_id(index), reset_value(index))
        await asyncio.sleep(0)
        probe.sent[index].append(perf_counter())
        hub.states.set(entity_id(index), trigger_value(index))
        await probe.wait(number + 1)
    return probe.latencies
