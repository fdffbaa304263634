"""A real `kozani-hub run` process on a temporary configuration: start it, wait for it with a
bound, talk to its API, SIGKILL it. Every wait has a deadline, so a test never hangs."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

START_TIMEOUT = 30.0


class HubProcess:
    """One `kozani-hub run -c CONFIG` process, its output collected in a file."""

    def __init__(self, config: Path, port: int, token: str, log: Path) -> None:
        self.config = config
        self.port = port
        self.token = token
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0
        self.ready_at = 0.0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith("KOZANI_")}
        env["PYTHONUNBUFFERED"] = "1"
        with self.log.open("ab") as out:
            out.write(f"----- start {time.time():.3f}\n".encode())
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "kozani_hub", "run", "-c", str(self.config)],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self.started_at = time.time()

    async def wait_ready(self, session: aiohttp.ClientSession) -> None:
        """Wait until the API answers (the hub is whole once the HTTP server is up)."""
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise AssertionError(f"the hub exited with {self.proc.returncode}:\n{self.text()}")
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with session.get(
                    f"{self.url}/api/health", timeout=aiohttp.ClientTimeout(total=1)
                ) as resp:
                    if resp.status == 200:
                        self.ready_at = time.time()
                        return
            await asyncio.sleep(0.05)
        raise AssertionError(f"the hub did not answer within {START_TIMEOUT} s:\n{self.text()}")

    async def call(self, session: aiohttp.ClientSession, service: str, data: dict[str, Any]) -> Any:
        domain, _, name = service.partition(".")
        async with session.post(
            f"{self.url}/api/services/{domain}/{name}",
            json=data,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=aiohttp.ClientTimeout(total=10),
        ) as resp:
            text = await resp.text()
            assert resp.status == 200, f"{service} answered {resp.status}: {text}"
            return json.loads(text) if text else None

    async def state(self, session: aiohttp.ClientSession, entity_id: str) -> dict[str, Any]:
        async with session.get(
            f"{self.url}/api/states/{entity_id}",
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=aiohttp.ClientTimeout(total=10),
        ) as resp:
            assert resp.status == 200, await resp.text()
            body: dict[str, Any] = await resp.json()
            return body

    def kill(self) -> None:
        """SIGKILL: no clean shutdown, as a power cut or the OOM killer would."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM and wait (SIGKILL after 20 s); the exit code."""
        proc = self.proc
        if proc is None:
            return 0
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        return proc.returncode

    def text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


async def wait_until(
    predicate: Callable[[], bool], within: float, what: str, log: str = ""
) -> None:
    """Poll `predicate()` until true; fail after `within` seconds saying `what` did not happen."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{what} did not happen within {within} s\n{log}")
