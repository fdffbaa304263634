"""A hub under load, to be killed with SIGKILL by test_durability.py.

Run as `python kill_driver.py CONFIG_DIR ROUND`. It builds the hub of CONFIG_DIR the way
`kozani-hub run` does (recorder and rules engine, no device integrations), starts it, and
then, printing one line per fact on stdout:

    READY <time>                 the hub has started (and given back what was pending)
    RESUMED <json problems>      what the rules engine could not take back
    FIRED <rule> <time>          a rule's pending action ran (its rule fired kill_fired)
    ARMED <json>                 new pending for:-waits and delays, each due a few seconds
                                 from now, are on disk (read back from the restore store)
    T <time> <n> <q> <d>         progress of the load: n state changes so far, q waiting
                                 for the writer, d dropped

The load is LOAD_RATE state changes per second of sensor.load_<i>, in bursts of 50; each
change's value is its sequence number. Times are wall-clock seconds (UTC epoch).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

from kozani_hub.bootstrap import build_hub
from kozani_hub.core.events import Event
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder

RULES = 4  # of each kind (a for: wait, a delay) in each lane
LANES = 2  # round r arms lane r % 2 while the work of round r - 1 (other lane) resumes
DUE_IN = 1.5
LOAD_SENSORS = 200
LOAD_RATE = 5000  # state changes per second: a district's sensors reporting every few seconds


def say(*parts: object) -> None:
    print(*parts, flush=True)


def rules_yaml() -> str:
    """For each lane and k: a 'for:' on binary_sensor.kill_<lane>_<k>, and a delay after the
    event kill_go_<lane>_<k>; both end by firing kill_fired."""
    out = []
    for lane in range(LANES):
        for k in range(RULES):
            name = f"{lane}_{k}"
            out.append(
                f"- id: kill_for_{name}\n"
                "  triggers:\n"
                f"    - trigger: state\n      entity_id: binary_sensor.kill_{name}\n"
                f'      to: "on"\n      for: {{ seconds: {DUE_IN} }}\n'
                "  actions:\n"
                f"    - event: kill_fired\n      event_data: {{ rule: kill_for_{name} }}\n"
                f"- id: kill_delay_{name}\n"
                "  triggers:\n"
                f"    - trigger: event\n      event_type: kill_go_{name}\n"
                "  actions:\n"
                f"    - delay: {{ seconds: {DUE_IN} }}\n"
                f"    - event: kill_fired\n      event_data: {{ rule: kill_delay_{name} }}\n"
            )
    return "".join(out)


def write_config(folder: Path) -> None:
    (folder / "rules").mkdir(parents=True, exist_ok=True)
    (folder / "hub.yaml").write_text(
        "hub:\n  name: Kill test\n  latitude: 40.3007\n  longitude: 21.7887\n"
        "  time_zone: Europe/Athens\n  rules: rules\n"
    )
    (folder / "rules" / "kill.yaml").write_text(rules_yaml())


async def armed_on_disk(recorder: Recorder, started: set[str]) -> list[dict[str, Any]]:
    """Wait until the restore store holds a pending item for each rule in `started`."""
    while True:
        items = await recorder.store.items("automation")
        found = {
            str(item.payload["rule"]): item
            for item in items
            if item.payload.get("kind") in ("for", "run") and item.payload.get("rule") in started
        }
        if set(found) == started:
            return [
                {"rule": rule, "due": item.due.timestamp() if item.due else None}
                for rule, item in sorted(found.items())
            ]
        await asyncio.sleep(0.01)


async def load(hub: Hub, recorder: Recorder, stop: asyncio.Event) -> None:
    count = 0
    last_report = 0.0
    states = hub.states
    began = time.monotonic()
    while not stop.is_set():
        for _ in range(50):
            count += 1
            states.set(f"sensor.load_{count % LOAD_SENSORS}", count)
        now = time.time()
        if now - last_report >= 0.05:
            status = recorder.status
            say("T", f"{now:.6f}", count, status.queued, status.dropped)
            last_report = now
        ahead = count / LOAD_RATE - (time.monotonic() - began)
        await asyncio.sleep(max(0.0, ahead))


class Problems(logging.Handler):
    """Collects what the recorder reports as not restored."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.found: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if "Not restored" in record.getMessage():
            self.found.append(record.getMessage())


async def main(config_dir: Path, round_no: int) -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    problems = Problems()
    logging.getLogger("kozani_hub").addHandler(problems)
    hub = build_hub(config_dir, with_integrations=False)
    recorder = next(c for c in hub.components if isinstance(c, Recorder))

    def fired(event: Event) -> None:
        say("FIRED", event.data["rule"], f"{time.time():.6f}")

    hub.bus.listen("kill_fired", fired)
    lane, previous = round_no % LANES, (round_no - 1) % LANES
    # The devices report again when the hub is back: the for: conditions still hold.
    for k in range(RULES):
        hub.states.set(f"binary_sensor.kill_{previous}_{k}", "on" if round_no else "off")
        hub.states.set(f"binary_sensor.kill_{lane}_{k}", "off")
    await hub.start()
    say("READY", f"{time.time():.6f}")
    say("RESUMED", json.dumps(problems.found))
    # New pending work in this round's lane, due DUE_IN seconds from now.
    for k in range(RULES):
        hub.states.set(f"binary_sensor.kill_{lane}_{k}", "on")
        hub.bus.fire(f"kill_go_{lane}_{k}")
    started = {f"kill_{kind}_{lane}_{k}" for kind in ("for", "delay") for k in range(RULES)}
    stop = asyncio.Event()
    loader = asyncio.create_task(load(hub, recorder, stop))
    say("ARMED", json.dumps(await armed_on_disk(recorder, started)))
    await loader  # until killed


if __name__ == "__main__":
    folder = Path(sys.argv[1])
    if not (folder / "hub.yaml").exists():
        write_config(folder)
    asyncio.run(main(folder, int(sys.argv[2])))
