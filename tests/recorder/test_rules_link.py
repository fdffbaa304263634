"""The rules engine across restarts: on/off and last_triggered, resumed runs in their traces
and in the recorded rule runs, and a rule changed during the downtime reported, not fatal."""

from __future__ import annotations

import asyncio
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.recorder import Recorder
from kozani_hub.testing.devices import SimulatedDevices
from kozani_hub.testing.hubs import ScenarioEnvironment, config_hub, crash

CONFIG = Path(__file__).parent / "restart_config"
START = datetime(2026, 1, 15, 17, 0, tzinfo=UTC)  # 19:00 in Kozani
RULE = "town_hall_hall_light"


class Hubs:
    """Builds the scenario hub on a folder and database that outlive each "crash"."""

    def __init__(self, config_dir: Path, workdir: Path) -> None:
        self.env = ScenarioEnvironment(config_dir, workdir)
        self.keep: set[asyncio.Task[object]] = set()
        self.hub: Hub | None = None

    async def start(self, when: datetime) -> tuple[Hub, Recorder, AutomationEngine]:
        self.keep = set(asyncio.all_tasks())
        hub = config_hub(self.env, SimulatedClock(when))
        SimulatedDevices(hub).install()
        await hub.start()
        self.hub = hub
        recorder = next(c for c in hub.components if isinstance(c, Recorder))
        engine = next(c for c in hub.components if isinstance(c, AutomationEngine))
        return hub, recorder, engine

    async def crash(self) -> None:
        assert self.hub is not None
        await crash(self.hub, self.keep)
        self.hub = None

    async def close(self) -> None:
        if self.hub is not None:
            await self.hub.stop()
            await crash(self.hub, self.keep)


@pytest.fixture
async def hubs(tmp_path: Path) -> Hubs:
    config = tmp_path / "config"
    shutil.copytree(CONFIG, config)
    made = Hubs(config, tmp_path / "work")
    made.env.workdir.mkdir()
    yield made  # type: ignore[misc]
    await made.close()


async def test_a_resumed_run_shows_the_restart_and_is_recorded(hubs: Hubs) -> None:
    hub, _, _ = await hubs.start(START)
    hub.bus.fire("hall_button", {"level": 60})
    await hub.clock.advance(600)  # type: ignore[attr-defined]
    await hubs.crash()

    hub, recorder, engine = await hubs.start(START + timedelta(minutes=10))
    await hub.clock.advance(20 * 60)  # type: ignore[attr-defined]
    assert hub.states.get("light.town_hall_hall").state == "off"  # type: ignore[union-attr]
    trace = engine.traces(RULE)[-1]
    assert trace.reason == "continued after a restart"
    assert trace.outcome.value == "finished"
    runs = await recorder.history.rule_runs(START)
    (run,) = [r for r in runs if r.rule_id == RULE]
    assert run.outcome == "finished"
    assert run.summary["reason"] == "continued after a restart"
    assert run.trigger is not None and "hall_button" in run.trigger
    # It went on from the delay it was waiting in.
    assert [step[0] for step in run.summary["steps"]] == ["action/1", "action/2"]
    assert run.finished == START + timedelta(minutes=30)
    # Nothing waits any more, and the store says so.
    assert [i for i in await recorder.store.items("automation") if i.payload["kind"] == "run"] == []


async def test_rule_on_off_and_last_triggered_come_back(hubs: Hubs) -> None:
    hub, _, engine = await hubs.start(START)
    hub.bus.fire("hall_button", {"level": 60})
    await hub.services.call(
        "automation", "turn_off", {}, target={"entity_id": "automation.school_boiler_morning"}
    )
    await hub.clock.advance(60)  # type: ignore[attr-defined]
    await hubs.crash()

    hub, _, engine = await hubs.start(START + timedelta(hours=2))
    assert not engine.rules["school_boiler_morning"].enabled
    assert hub.states.get("automation.school_boiler_morning").state == "off"  # type: ignore[union-attr]
    assert engine.rules[RULE].last_triggered == START


async def test_a_rule_changed_during_downtime_is_reported_and_skipped(
    hubs: Hubs, caplog: pytest.LogCaptureFixture
) -> None:
    hub, _, _ = await hubs.start(START)
    hub.bus.fire("hall_button", {"level": 60})
    await hub.clock.advance(600)  # type: ignore[attr-defined]
    await hubs.crash()
    rules = hubs.env.config_dir / "rules" / "restore.yaml"  # type: ignore[operator]
    rules.write_text(rules.read_text().replace('delay: "00:30:00"', 'delay: "00:20:00"'))

    with caplog.at_level(logging.WARNING):
        hub, recorder, _ = await hubs.start(START + timedelta(minutes=10))
    calls: list[str] = []
    hub.bus.listen(
        "call_service", lambda e: calls.append(f"{e.data['domain']}.{e.data['service']}")
    )
    skipped = [r.getMessage() for r in caplog.records if "Not restored" in r.getMessage()]
    assert len(skipped) == 1
    assert "town_hall_hall_light" in skipped[0]
    assert "changed while the hub was down" in skipped[0]
    await hub.clock.advance(30 * 60)  # type: ignore[attr-defined]
    assert "light.turn_off" not in calls  # the old run is not continued with a new definition
    # The dropped item is gone from the store too.
    assert [i for i in await recorder.store.items("automation") if i.payload["kind"] == "run"] == []
