"""`kozani-hub bench --modbus`: poll many Modbus devices on loopback and measure what it costs.

The benchmark starts Modbus servers in their own processes on 127.0.0.1 (so their work is not
counted as the hub's), runs a hub whose Modbus integration polls `devices` units of
`registers` int16 values each every `scan_interval` seconds, and after a warm-up poll measures
for `duration` seconds:

- requests_per_s: Modbus requests the hub sent;
- unmerged_requests_per_s: requests it would have sent reading each value on its own;
- merged_read_savings_pct: the share of round trips merging saved;
- polls_per_s against target_polls_per_s: whether the link kept up with the scan interval;
- state_changes_per_s: values that changed and reached the state machine;
- cpu_share_pct: the hub process's CPU time over wall time (100 = one core busy).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from integrations.modbus import ModbusIntegration
from integrations.modbus.link import ModbusLink
from kozani_hub.core.clock import RealClock
from kozani_hub.core.events import EVENT_STATE_CHANGED, Event
from kozani_hub.hub import Hub

SERVER_START_TIMEOUT = 15.0


@dataclass(slots=True)
class _Counters:
    requests: int = 0
    blocks: int = 0
    spans: int = 0
    polls: int = 0
    failed: int = 0

    @classmethod
    def of(cls, links: list[ModbusLink]) -> _Counters:
        total = cls()
        for link in links:
            total.requests += link.scheduler.stats.requests
            total.failed += link.scheduler.stats.failures
            for poller in link.pollers:
                total.blocks += poller.stats.blocks_read
                total.spans += poller.stats.spans_read
                total.polls += poller.stats.polls
        return total


class _Server:
    """One `integrations.modbus.simprocess` server with its values changing every second."""

    def __init__(self, proc: asyncio.subprocess.Process, port: int) -> None:
        self.proc = proc
        self.port = port

    @classmethod
    async def start(cls, first: int, last: int, registers: int) -> _Server:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "integrations.modbus.simprocess",
            "--port",
            "0",
            "--devices",
            f"{first}-{last}",
            "--size",
            str(registers + 8),
            "--churn",
            str(registers),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        assert proc.stdout is not None
        try:
            line = await asyncio.wait_for(proc.stdout.readline(), SERVER_START_TIMEOUT)
            port = int(json.loads(line)["port"])
        except (TimeoutError, ValueError, KeyError):
            proc.kill()
            await proc.wait()
            raise RuntimeError("the benchmark's Modbus server did not start") from None
        return cls(proc, port)

    async def stop(self) -> None:
        if self.proc.stdin is not None:
            self.proc.stdin.close()
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except TimeoutError:
            self.proc.kill()
            await self.proc.wait()


def _spans(devices: int, links: int) -> Iterator[tuple[int, int]]:
    """Split unit ids 1..devices into `links` consecutive ranges."""
    per_link = -(-devices // links)
    for first in range(1, devices + 1, per_link):
        yield first, min(devices, first + per_link - 1)


def _link_config(
    index: int, port: int, units: tuple[int, int], registers: int, scan_interval: float
) -> dict[str, Any]:
    first, last = units
    sensors = [
        {
            "name": f"bench {index} unit {unit} value {n}",
            "device_id": unit,
            "address": n * 2,  # a one-register gap between values, as real maps have
            "scan_interval": scan_interval,
        }
        for unit in range(first, last + 1)
        for n in range(registers)
    ]
    return {
        "name": f"bench_{index}",
        "type": "tcp",
        "host": "127.0.0.1",
        "port": port,
        "timeout": 1.0,
        "retries": 1,
        "sensors": sensors,
    }


async def run_modbus_bench(
    *,
    devices: int = 100,
    registers: int = 20,
    scan_interval: float = 1.0,
    duration: float = 10.0,
    links: int = 1,
) -> dict[str, float]:
    """Poll `devices` x `registers` values on loopback for `duration` seconds; the figures."""
    units = list(_spans(devices, max(1, links)))
    servers: list[_Server] = []
    try:
        for first, last in units:
            servers.append(await _Server.start(first, last, registers * 2))
        configs = [
            _link_config(i, s.port, u, registers, scan_interval)
            for i, (s, u) in enumerate(zip(servers, units, strict=True))
        ]
        return await _measure(configs, devices, registers, scan_interval, duration)
    finally:
        for server in servers:
            await server.stop()


async def _measure(
    configs: list[dict[str, Any]],
    devices: int,
    registers: int,
    scan_interval: float,
    duration: float,
) -> dict[str, float]:
    hub = Hub(clock=RealClock(), integration_configs={"modbus": configs})
    changes = 0

    def count(_: Event) -> None:
        nonlocal changes
        changes += 1

    hub.bus.listen(EVENT_STATE_CHANGED, count)
    await hub.start()
    try:
        integration = hub.integrations.get("modbus")
        if not isinstance(integration, ModbusIntegration):
            raise RuntimeError(f"Modbus did not set up: {hub.failed_integrations}")
        links = list(integration.links.values())
        await hub.clock.sleep(scan_interval + 0.5)  # warm-up: connected, first polls done
        before, changes_before = _Counters.of(links), changes
        cpu, wall = time.process_time(), time.perf_counter()
        await hub.clock.sleep(duration)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        after, changed = _Counters.of(links), changes - changes_before
    finally:
        with contextlib.suppress(Exception):
            await hub.stop()
    sent = after.requests - before.requests
    unmerged = after.spans - before.spans
    return {
        "devices": float(devices),
        "registers_per_device": float(registers),
        "scan_interval_s": scan_interval,
        "duration_s": round(wall, 3),
        "requests_per_s": round(sent / wall, 1),
        "unmerged_requests_per_s": round(unmerged / wall, 1),
        "merged_read_savings_pct": round(100 * (1 - sent / unmerged), 1) if unmerged else 0.0,
        "polls_per_s": round((after.polls - before.polls) / wall, 1),
        "target_polls_per_s": round(devices / scan_interval, 1),
        "values_per_s": round(unmerged / wall, 1),
        "state_changes_per_s": round(changed / wall, 1),
        "failed_requests": float(after.failed - before.failed),
        "cpu_share_pct": round(100 * cpu / wall, 1),
    }


def main() -> None:
    """Run with the defaults and print the figures (for a quick look without the CLI)."""
    figures = asyncio.run(run_modbus_bench())
    width = max(len(k) for k in figures)
    for key, value in figures.items():
        print(f"{key:<{width}}  {value:g}")


if __name__ == "__main__":
    main()
