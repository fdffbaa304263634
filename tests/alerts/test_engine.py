"""The alert engine as people meet it: texts (and what happens when a template fails), the
services and their refusals, acknowledgement links, and what survives a restart."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from kozani_hub.alerts.errors import AlertError
from kozani_hub.core.clock import SimulatedClock, settle
from kozani_hub.core.context import Context
from kozani_hub.core.events import Event
from kozani_hub.http import HttpServer

from .conftest import DISTRICT, StartEngine, alerts_config, crash, sos

OFF = {"binary_sensor.r01_sos": "off"}


async def raise_sos(hub: Any) -> None:
    hub.states.set("binary_sensor.r01_sos", "on")
    await settle()


async def test_a_failing_template_still_sends_the_raw_facts_with_the_error_noted(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    config = alerts_config(sos(title="SOS {{ resident }}", variables={"resident": "Eleni"},
                               message="{{ value | no_such_filter }}"))
    hub, engine, notifiers = await start_engine(config, clock, states=OFF)
    await raise_sos(hub)
    await engine.idle()
    (message,) = notifiers["app"].sent
    assert message.title == "SOS Eleni"
    assert "R01 sos (alert.r01_sos) is active since 2026-01-15T12:00:00+02:00" in message.body
    assert "binary_sensor.r01_sos is on." in message.body
    assert "the message template failed" in message.body
    assert "no_such_filter" in message.data["template_errors"][0]
    state = hub.states.get("alert.r01_sos")
    assert state is not None and state.attributes["template_errors"]


async def test_the_services_refuse_with_reasons(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, _, _ = await start_engine(alerts_config(sos()), clock, states=OFF)
    call = hub.services.call
    with pytest.raises(AlertError, match="no alert 'r01_sso'; did you mean 'r01_sos'"):
        await call("alert", "acknowledge", {"alert_id": "r01_sso"})
    with pytest.raises(AlertError, match="nothing to acknowledge"):
        await call("alert", "acknowledge", {"alert_id": "r01_sos"})
    with pytest.raises(AlertError, match="needs 'alert_id'"):
        await call("alert", "acknowledge", {})
    with pytest.raises(AlertError, match="at most 8:00:00, not 9:00:00"):
        await call("alert", "shelve", {"alert_id": "r01_sos", "duration": "09:00:00",
                                       "reason": "night"})
    with pytest.raises(Exception, match="reason"):
        await call("alert", "shelve", {"alert_id": "r01_sos", "duration": "01:00:00"})


async def test_who_is_the_caller_unless_given_and_targets_name_alerts(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    hub, _, _ = await start_engine(alerts_config(sos()), clock, states=OFF)
    seen: list[Event] = []
    hub.bus.listen("alert_transition", seen.append)
    await raise_sos(hub)
    await hub.services.call("alert", "acknowledge", {"note": "coming"},
                            target={"entity_id": "alert.r01_sos"},
                            context=Context(origin="api", user="nikos"))
    assert seen[-1].data["who"] == "nikos"
    assert seen[-1].data["note"] == "coming"
    assert seen[-1].data["to"] == "acknowledged"


async def test_a_step_calls_a_service_with_the_alert_s_variables(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    config = alerts_config(sos(policy="lights", variables={"resident_id": "r01"}), policies={
        "lights": {"steps": [{"call": {"action": "light.turn_on",
                                       "target": {"entity_id": "light.{{ resident_id }}_hall"},
                                       "data": {"brightness_pct": 100}}}]}})
    hub, _, _ = await start_engine(config, clock, states=OFF)
    calls: list[Event] = []
    hub.bus.listen("call_service", calls.append)
    await raise_sos(hub)
    (call,) = [c for c in calls if c.data["domain"] == "light"]
    assert call.data["entity_ids"] == ["light.r01_hall"]
    assert call.data["service_data"] == {"brightness_pct": 100}


async def test_a_notifier_target_and_a_person_nobody_can_reach(
    start_engine: StartEngine, clock: SimulatedClock, caplog: pytest.LogCaptureFixture
) -> None:
    config = alerts_config(sos(policy="ops"), policies={
        "ops": {"steps": [{"notify": ["notifier.mail", "ghost"]}]}},
        people={**DISTRICT["people"], "ghost": {"name": "Nobody"}})
    hub, engine, notifiers = await start_engine(config, clock, states=OFF)
    await raise_sos(hub)
    await engine.idle()
    assert [(m.recipient, m.address, m.ack_url) for m in notifiers["mail"].sent] == \
        [("notifier.mail", "", None)]
    assert "ghost has no contacts to reach" in caplog.text


async def test_an_acknowledgement_link_acknowledges_once(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    config = alerts_config(sos(), ack_secret="a-secret-for-the-links-only")
    hub, engine, notifiers = await start_engine(config, clock, states=OFF)
    server = HttpServer(hub, port=0, tokens=["test-token-0123456789"])
    engine.install_http(server)
    await server.start()
    try:
        await raise_sos(hub)
        await engine.idle()
        link = notifiers["app"].sent[0].ack_url
        assert link is not None and link.startswith(f"{server.url}/ack/")
        async with aiohttp.ClientSession() as session:
            async with session.get(link) as page:
                assert page.status == 200
            assert engine.state("r01_sos") == "active"
            async with session.post(link) as page:
                assert page.status == 200
                assert "Thank you, Maria" in await page.text()
            async with session.post(link) as page:
                assert page.status == 409
    finally:
        await server.stop()
    state = hub.states.get("alert.r01_sos")
    assert state is not None
    assert (state.state, state.attributes["acknowledged_by"]) == ("acknowledged", "maria")


async def test_shelving_and_a_pending_on_delay_survive_a_restart(
    start_engine: StartEngine, clock: SimulatedClock
) -> None:
    level = {"id": "tank_low", "policy": "water", "on_delay": "00:10:00",
             "condition": {"type": "threshold", "entity_id": "sensor.level", "below": 0.5}}
    config = alerts_config(sos(), level)
    hub, engine, notifiers = await start_engine(config, clock, recorder=True,
                                                states={**OFF, "sensor.level": "0.9"})
    await raise_sos(hub)
    await engine.idle()
    await hub.services.call("alert", "shelve", {"alert_id": "r01_sos", "who": "maria",
                                                "duration": "01:00:00", "reason": "visit"})
    hub.states.set("sensor.level", "0.3")
    await clock.advance(4 * 60)
    await crash(hub)
    later = SimulatedClock(clock.now() + timedelta(minutes=1))
    _, engine2, notifiers2 = await start_engine(
        config, later, recorder=True, states={"binary_sensor.r01_sos": "on",
                                              "sensor.level": "0.3"})
    assert engine2.state("r01_sos") == "shelved"
    assert engine2.state("tank_low") == "normal"
    await later.advance(5 * 60 - 1)
    assert engine2.state("tank_low") == "normal"
    await later.advance(1)      # ten minutes after the level fell, not after the restart
    assert engine2.state("tank_low") == "active"
    await later.advance(50 * 60)
    assert engine2.state("r01_sos") == "active"
    await engine2.idle()
    sent = [(m.recipient, m.key) for m in notifiers2["app"].sent]
    assert [p for p, _ in sent] == ["kostas", "maria"]
    assert sent[1][1] != notifiers["app"].sent[0].key  # told anew, not a resend
