"""A week of the demo school under the shipped energy rules, recorded by the real hub and
recorder on simulated time: the database the energy review reads."""

from __future__ import annotations

import asyncio
import shutil
from datetime import datetime
from pathlib import Path

import pytest

from kozani_hub.bootstrap import build_hub
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.recorder import Recorder

ROOT = Path(__file__).resolve().parents[2]
#: Tuesday 17 February 2026 to Monday 23 February, Clean Monday, a holiday in Greece.
WEEK_START = datetime.fromisoformat("2026-02-17T00:00:00+02:00")
DAYS = 7

HUB = """
hub:
  name: Energy review test
  latitude: 40.3007
  longitude: 21.7887
  elevation: 710
  time_zone: Europe/Athens
  rules: [rules]
recorder:
  db_path: kozani.db
packages: !include_dir_named packages
alerts:
  notifiers: { log: { type: log } }
  people: { sofia: { name: Sofia, contacts: [ { notifier: log, address: sofia } ] } }
  policies: { facilities: { steps: [ { notify: [sofia] } ] } }
demo:                       # the school as shipped; one lamp, no homes, the meter every 5 min
  streets: 1
  lamps_per_street: 1
  residents: 0
  update_interval: 300
  incidents: { sos: { enabled: false }, tank_leak: { enabled: false } }
"""


def energy_config(folder: Path) -> Path:
    """A configuration folder with the shipped energy package and rules, and the demo."""
    (folder / "packages").mkdir(parents=True)
    (folder / "hub.yaml").write_text(HUB, encoding="utf-8")
    shutil.copy(ROOT / "config" / "packages" / "energy.yaml", folder / "packages")
    shutil.copytree(ROOT / "rules" / "energy", folder / "rules" / "energy")
    shutil.copytree(ROOT / "rules" / "blueprints" / "energy",
                    folder / "rules" / "blueprints" / "energy")
    return folder


async def live(folder: Path, start: datetime, days: int) -> None:
    """Run the hub of `folder` for `days` of simulated time, everything recorded."""
    clock = SimulatedClock(start)
    hub = build_hub(folder, clock=clock)
    await hub.start()
    try:
        recorder = next(c for c in hub.components if isinstance(c, Recorder))
        for _ in range(days * 4):
            await clock.advance(6 * 3600)
            await recorder.flush()  # the writer keeps up with simulated time
    finally:
        await hub.stop()


@pytest.fixture(scope="package")
def school_week(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The configuration folder of a recorded week (its database is kozani.db inside)."""
    folder = energy_config(tmp_path_factory.mktemp("energy") / "config")
    asyncio.run(live(folder, WEEK_START, DAYS))
    return folder
