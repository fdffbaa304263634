"""A webhook trigger fired over real HTTP: the rule sees the JSON body as `trigger.json`."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from kozani_hub.automation import AutomationEngine
from kozani_hub.core.services import ServiceCall
from kozani_hub.http import HttpServer
from kozani_hub.hub import Hub

RULE = """
- id: flood_gauge_report
  triggers:
    - trigger: webhook
      webhook_id: flood_gauge_north
      allowed_methods: [POST]
  actions:
    - action: water.report
      data:
        level: "{{ trigger.json.level }}"
        site: "{{ trigger.query.site }}"
"""


async def test_webhook_over_http_runs_the_rule(hub: Hub, tmp_path: Path) -> None:
    (tmp_path / "gauge.yaml").write_text(RULE)
    reports: list[ServiceCall] = []
    hub.services.register("water", "report", reports.append)
    engine = AutomationEngine(hub, [tmp_path])
    server = HttpServer(hub, host="127.0.0.1", port=0, tokens=["a-token-of-sixteen-chars"])
    server.add_webhook_handler(engine.handle_webhook)
    hub.add_component(engine)
    hub.add_component(server)
    await hub.start()
    async with aiohttp.ClientSession() as session:
        url = f"{server.url}/api/webhook/flood_gauge_north?site=north"
        async with session.post(url, json={"level": 3.25}) as resp:
            assert resp.status == 200
        async with session.put(url, json={"level": 1}) as resp:
            assert resp.status == 404  # the rule takes POST only
            assert "for PUT" in (await resp.json())["error"]
    for _ in range(20):
        if reports:
            break
        await hub.clock.sleep(0)
    assert [dict(r.data) for r in reports] == [{"level": 3.25, "site": "north"}]
