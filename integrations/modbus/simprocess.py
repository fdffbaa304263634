"""Run the Modbus simulator as its own process, driven by JSON lines on stdin.

    python -m integrations.modbus.simprocess --port 5020 --devices 1,2,3

The first line on stdout is `{"port": N}`. Each line on stdin is a command, answered by one
line on stdout (`{"ok": true, ...}` or `{"ok": false, "error": "..."}`):

    {"op": "set", "device": 1, "table": "holding", "address": 0, "values": [1, 2]}
    {"op": "get", "device": 1, "table": "coil", "address": 0, "count": 4}
    {"op": "delay", "device": 1, "seconds": 0.5}      # answer that unit's reads late
    {"op": "requests"}                                 # [[device, function, address, count]]
    {"op": "clear_requests"}
    {"op": "writes"}                                   # [[device, table, address, [values]]]

`--churn N` adds 1 to the first N holding registers of every unit each second, so a poller
sees values change (the benchmark uses it). The process ends when stdin closes. `--mode silent` accepts connections and never answers;
`--mode garbage` answers every request with bytes that are not Modbus: both are for checking
how a hub copes with a broken device or gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from .client import Table
from .simulator import ModbusSimulator, WriteEvent

GARBAGE = bytes.fromhex("deadbeef0badf00d5a5a5a5a")


def _parse_devices(text: str) -> list[int]:
    ids: list[int] = []
    for part in text.split(","):
        first, _, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


class _Controller:
    def __init__(self, sim: ModbusSimulator) -> None:
        self.sim = sim
        self.writes: list[WriteEvent] = []
        sim.on_write(self.writes.append)

    def handle(self, cmd: dict[str, Any]) -> dict[str, Any]:
        op = cmd.get("op")
        if op == "set":
            bank = self.sim.device(int(cmd["device"]))
            bank.set(Table(cmd["table"]), int(cmd["address"]), [int(v) for v in cmd["values"]])
            return {}
        if op == "get":
            bank = self.sim.device(int(cmd["device"]))
            count = int(cmd.get("count", 1))
            return {"values": bank.get(Table(cmd["table"]), int(cmd["address"]), count)}
        if op == "delay":
            self.sim.device(int(cmd["device"])).response_delay = float(cmd["seconds"])
            return {}
        if op == "requests":
            return {"requests": [[r.device_id, r.function_code, r.address, r.count]
                                 for r in self.sim.requests]}
        if op == "clear_requests":
            self.sim.clear_requests()
            self.writes.clear()
            return {}
        if op == "writes":
            return {"writes": [[w.device_id, w.table.value, w.address, list(w.values)]
                               for w in self.writes]}
        raise ValueError(f"unknown op {op!r}")


async def _stdin_lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


def _reply(payload: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def _serve_modbus(args: argparse.Namespace) -> None:
    sim = ModbusSimulator(
        _parse_devices(args.devices), size=args.size, port=args.port, framer=args.framer
    )
    await sim.start()
    controller = _Controller(sim)
    churn = asyncio.create_task(_churn(sim, args.churn)) if args.churn else None
    _reply({"port": sim.port})
    reader = await _stdin_lines()
    try:
        while line := await reader.readline():
            try:
                _reply({"ok": True, **controller.handle(json.loads(line))})
            except Exception as exc:
                _reply({"ok": False, "error": f"{type(exc).__name__}: {exc}"})
    finally:
        if churn is not None:
            churn.cancel()
        await sim.stop()


async def _churn(sim: ModbusSimulator, count: int) -> None:
    while True:
        await asyncio.sleep(1)
        for device_id in sim.device_ids:
            bank = sim.device(device_id)
            values = bank.get_holding(0, count)
            bank.set_holding(0, [(v + 1) & 0xFFFF for v in values])


async def _serve_broken(args: argparse.Namespace) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.read(512):
                if args.mode == "garbage":
                    writer.write(GARBAGE)
                    await writer.drain()
        except ConnectionError:
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", args.port)
    _reply({"port": server.sockets[0].getsockname()[1]})
    reader = await _stdin_lines()
    while await reader.readline():
        _reply({"ok": True})
    server.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Modbus TCP simulator on 127.0.0.1")
    parser.add_argument("--port", type=int, default=5020, help="0 picks a free port")
    parser.add_argument("--devices", default="1", help="unit ids, e.g. 1,2,10-19")
    parser.add_argument("--size", type=int, default=1000, help="addresses per table")
    parser.add_argument("--framer", choices=["socket", "rtu"], default="socket")
    parser.add_argument("--mode", choices=["modbus", "silent", "garbage"], default="modbus")
    parser.add_argument("--churn", type=int, default=0, metavar="N",
                        help="add 1 to the first N holding registers of each unit every second")
    args = parser.parse_args(argv)
    serve = _serve_modbus if args.mode == "modbus" else _serve_broken
    asyncio.run(serve(args))


if __name__ == "__main__":
    main()
