"""`kozani-hub run` on the shipped demo configuration, as a real process: it starts, the
district's states change, the API answers, and SIGINT or SIGTERM stop it cleanly."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def demo_config(tmp_path: Path) -> tuple[Path, int]:
    """A copy of config/ and rules/ with free ports, so the test never clashes with a running hub."""
    shutil.copytree(
        REPO / "config", tmp_path / "config", ignore=shutil.ignore_patterns("*.db*", "secrets.yaml")
    )
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    http_port, modbus_port = free_port(), free_port()
    hub_yaml = tmp_path / "config" / "hub.yaml"
    text = hub_yaml.read_text()
    assert "port: 8123" in text and "5020" in text
    hub_yaml.write_text(
        text.replace("port: 8123", f"port: {http_port}").replace("5020", str(modbus_port))
    )
    return tmp_path / "config", http_port


def start(config: Path) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KOZANI_")}
    return subprocess.Popen(
        [sys.executable, "-m", "kozani_hub", "run", "-c", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )


def read_until(proc: subprocess.Popen[str], needle: str, timeout: float) -> list[str]:
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), False)
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                break
            time.sleep(0.05)
            continue
        lines.append(line)
        if needle in line:
            return lines
    raise AssertionError(f"'{needle}' not logged within {timeout} s; log was:\n{''.join(lines)}")


def stop(proc: subprocess.Popen[str], sig: int) -> str:
    proc.send_signal(sig)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        raise
    assert proc.stdout is not None
    os.set_blocking(proc.stdout.fileno(), True)
    with proc.stdout:
        return proc.stdout.read()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_run_starts_the_demo_district_and_stops_cleanly(
    demo_config: tuple[Path, int], sig: int
) -> None:
    config, http_port = demo_config
    proc = start(config)
    try:
        log = read_until(proc, "started:", timeout=30)
        text = "".join(log)
        assert "Demo district created" in text
        assert "Integration modbus set up" in text
        log += read_until(proc, "state changes in the last", timeout=30)
        with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/health", timeout=5) as resp:
            health = json.load(resp)
        assert health["status"] == "ok"
        assert set(health["integrations"]) >= {"demo", "modbus"}
        assert health["entities"] > 80
    finally:
        rest = stop(proc, sig)
    assert proc.returncode == 0, rest
    assert "stopped" in rest
    assert "Traceback" not in "".join(log) + rest
    assert "Task was destroyed" not in rest


def test_run_refuses_a_broken_configuration(tmp_path: Path) -> None:
    (tmp_path / "hub.yaml").write_text("hub:\n  name: x\n  latitude: north\n  longitude: 21.8\n")
    proc = subprocess.run(
        [sys.executable, "-m", "kozani_hub", "run", "-c", str(tmp_path)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "hub.yaml:3:" in proc.stderr and "not starting" in proc.stderr


def test_run_refuses_a_broken_alert_file_without_a_traceback(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "rules").mkdir()
    (tmp_path / "config" / "hub.yaml").write_text(
        "hub:\n  name: x\n  latitude: 40.3\n  longitude: 21.8\n"
    )
    (tmp_path / "rules" / "tanks.alerts.yaml").write_text(
        "- id: tank_low\n  name: Tank low\n  severity: high\n  category: water\n  policy: nowhere\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "kozani_hub", "run", "-c", str(tmp_path / "config")],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 1
    assert "tanks.alerts.yaml:" in proc.stderr and "not starting" in proc.stderr
    assert "Traceback" not in proc.stderr
