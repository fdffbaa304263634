"""Template, event, webhook and hub start/shutdown triggers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pytest

from kozani_hub.automation.env import Env
from kozani_hub.automation.triggers import Attachment, Fire, Trigger, TriggerBase, attach_all
from kozani_hub.core.clock import SimulatedClock
from kozani_hub.core.context import Context
from kozani_hub.core.events import EVENT_STATE_CHANGED
from kozani_hub.hub import Hub

from .conftest import Start
from .helpers import Calls


async def test_template_fires_on_false_to_true(hub: Hub, start: Start, calls: Calls) -> None:
    hub.states.set("sensor.tank_north_level", "2.0")
    hub.states.set("sensor.tank_south_level", "2.0")
    await start("""
- id: both_low
  triggers:
    - trigger: template
      value_template: >
        {{ states('sensor.tank_north_level') | float < 1
           and states('sensor.tank_south_level') | float < 1 }}
  actions:
    - action: test.record
      data: {cause: "{{ trigger.entity_id }}"}
""")
    hub.states.set("sensor.tank_north_level", "0.5")
    assert calls == []
    hub.states.set("sensor.tank_south_level", "0.8")
    hub.states.set("sensor.tank_south_level", "0.7")  # still true: no new edge
    assert [c.data["cause"] for c in calls] == ["sensor.tank_south_level"]
    hub.states.set("sensor.tank_north_level", "1.5")
    hub.states.set("sensor.tank_north_level", "0.2")
    assert len(calls) == 2


async def test_template_true_at_start_waits_for_a_new_edge(
    hub: Hub, start: Start, calls: Calls
) -> None:
    hub.states.set("binary_sensor.door_r01", "on")
    await start("""
- id: door
  triggers:
    - trigger: template
      value_template: "{{ is_state('binary_sensor.door_r01', 'on') }}"
  actions: [{action: test.record}]
""")
    hub.states.set("binary_sensor.door_r01", "on", {"x": 1})
    assert calls == []
    hub.states.set("binary_sensor.door_r01", "off")
    hub.states.set("binary_sensor.door_r01", "on")
    assert len(calls) == 1


async def test_template_watches_only_the_entities_it_reads(
    hub: Hub, start: Start, calls: Calls
) -> None:
    await start("""
- id: door
  triggers:
    - trigger: template
      value_template: "{{ is_state('binary_sensor.door_r01', 'on') }}"
  actions: [{action: test.record}]
""")
    # No listener on every state change: the entity index carries it.
    assert hub.bus.listener_count(EVENT_STATE_CHANGED) == 0
    hub.states.set("binary_sensor.door_r01", "on")
    assert len(calls) == 1


async def test_template_for(
    hub: Hub, start: Start, calls: Calls, clock: SimulatedClock
) -> None:
    hub.states.set("sensor.school_co2", "600")
    await start("""
- id: stuffy
  triggers:
    - trigger: template
      value_template: "{{ states('sensor.school_co2') | int > 1200 }}"
      for: "00:10:00"
  actions: [{action: test.record}]
""")
    hub.states.set("sensor.school_co2", "1300")
    await clock.advance(300)
    hub.states.set("sensor.school_co2", "900")
    hub.states.set("sensor.school_co2", "1400")
    await clock.advance(599)
    assert calls == []
    await clock.advance(1)
    assert len(calls) == 1


async def test_event_with_data_and_context(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: sos
  triggers:
    - trigger: event
      event_type: sos_pressed
      event_data: {zone: north}
  actions:
    - action: test.record
      data: {resident: "{{ trigger.event.data.resident }}"}
""")
    cause = Context(origin="device")
    hub.bus.fire("sos_pressed", {"resident": "r12", "zone": "south"})
    hub.bus.fire("sos_pressed", {"resident": "r07", "zone": "north"}, cause)
    hub.bus.fire("door_opened", {"resident": "r07", "zone": "north"})
    assert [c.data["resident"] for c in calls] == ["r07"]
    assert calls[0].context.parent_id == cause.id


async def test_event_types_as_a_list(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: any_alarm
  triggers:
    - trigger: event
      event_type: [pump_fault, tank_overflow]
  actions:
    - action: test.record
      data: {type: "{{ trigger.event.event_type }}"}
""")
    hub.bus.fire("tank_overflow")
    hub.bus.fire("pump_fault")
    assert [c.data["type"] for c in calls] == ["tank_overflow", "pump_fault"]


async def test_webhook_fires_with_its_json(hub: Hub, start: Start, calls: Calls) -> None:
    engine = await start("""
- id: gate
  triggers:
    - trigger: webhook
      webhook_id: gate-button-7
  actions:
    - action: test.record
      data: {who: "{{ trigger.json.who }}", hook: "{{ trigger.webhook_id }}"}
""")
    assert set(engine.webhooks) == {"gate-button-7"}
    assert await engine.handle_webhook("gate-button-7", {"who": "caretaker"}, {}) is True
    assert await engine.handle_webhook("nobody", {}, {}) is False
    assert await engine.handle_webhook("gate-button-7", None, {}, method="GET") is False
    assert calls.datas() == [{"who": "caretaker", "hook": "gate-button-7"}]


async def test_hub_start_and_shutdown(hub: Hub, start: Start, calls: Calls) -> None:
    await start("""
- id: started
  triggers:
    - trigger: homeassistant
      event: start
  actions: [{action: test.record, data: {what: start}}]
- id: stopping
  triggers:
    - trigger: hub
      event: shutdown
  actions: [{action: test.record, data: {what: shutdown}}]
""")
    assert calls.datas() == [{"what": "start"}]
    await hub.stop()
    assert calls.datas() == [{"what": "start"}, {"what": "shutdown"}]


async def test_a_local_only_webhook_refuses_outside_addresses(
    hub: Hub, start: Start, calls: Calls
) -> None:
    engine = await start("""
- id: gate
  triggers:
    - trigger: webhook
      webhook_id: gate
      allowed_methods: [POST, GET]
  actions: [{action: test.record}]
""")
    assert await engine.handle_webhook("gate", None, {}, method="GET", remote="192.168.1.20")
    assert not await engine.handle_webhook("gate", None, {}, remote="8.8.8.8")
    assert len(calls) == 1


def test_attaching_rolls_back_when_one_trigger_fails(hub: Hub) -> None:
    env = Env(hub, hub.templates)
    attached: list[str] = []

    class Good(Trigger):
        platform = "good"

        def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
            attached.append(self.base.id)
            return Attachment([lambda: attached.remove(self.base.id)])

    class Bad(Trigger):
        platform = "bad"

        def attach(self, env: Env, variables: Mapping[str, Any], fire: Fire) -> Attachment:
            raise RuntimeError("the bus is closed")

    def base(n: int) -> TriggerBase:
        return TriggerBase(str(n), str(n), None, True, None, f"trigger/{n}")

    with pytest.raises(RuntimeError, match="the bus is closed"):
        attach_all((Good(base(0)), Good(base(1)), Bad(base(2))), env, {}, lambda d, c: None)
    assert attached == []
