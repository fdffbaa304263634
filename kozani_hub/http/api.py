"""REST routes: health, states, services, webhooks."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web

from kozani_hub.core.context import Context
from kozani_hub.core.services import ServiceError, ServiceNotFound
from kozani_hub.core.states import valid_entity_id

from .errors import json_error

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

    from .server import WebhookHandler

_LOGGER = logging.getLogger(__name__)

HUB: web.AppKey[Hub] = web.AppKey("hub")
WEBHOOKS: web.AppKey[list[WebhookHandler]] = web.AppKey("webhooks")


async def health(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    return web.json_response(
        {
            "status": "ok" if hub.running else "starting",
            "name": hub.name,
            "time": hub.now().isoformat(),
            "entities": len(hub.states),
            "integrations": sorted(hub.integrations),
            "failed_integrations": hub.failed_integrations,
        }
    )


async def states(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    domain = request.query.get("domain")
    return web.json_response([s.as_dict() for s in hub.states.all(domain)])


async def state(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    entity_id = request.match_info["entity_id"]
    if not valid_entity_id(entity_id):
        return json_error(400, f"invalid entity id {entity_id!r}: expected 'domain.object_id'")
    found = hub.states.get(entity_id)
    if found is None:
        return json_error(404, f"no entity {entity_id}")
    return web.json_response(found.as_dict())


async def _json_body(request: web.Request) -> dict[str, Any] | web.Response:
    if not request.can_read_body:
        return {}
    raw = await request.read()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        return json_error(400, f"the body is not valid JSON: {err}")
    if not isinstance(body, dict):
        return json_error(400, f"the body must be a JSON object, got {type(body).__name__}")
    return body


async def call_service(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    domain, service = request.match_info["domain"], request.match_info["service"]
    body = await _json_body(request)
    if isinstance(body, web.Response):
        return body
    target = body.pop("target", None)
    if target is not None and not isinstance(target, dict):
        return json_error(400, '\'target\' must be an object such as {"entity_id": "light.x"}')
    context = Context(origin="api")
    changed: list[dict[str, Any]] = []
    unsub = hub.bus.listen(
        "state_changed",
        lambda e: (
            changed.append(e.data["new_state"].as_dict())
            if e.context.id == context.id and e.data["new_state"] is not None
            else None
        ),
    )
    try:
        response = await hub.services.call(domain, service, body, target=target, context=context)
    except ServiceNotFound as err:
        return json_error(404, str(err))
    except ServiceError as err:
        return json_error(400, str(err))
    except Exception as err:
        _LOGGER.exception("Service %s.%s failed from the API", domain, service)
        return json_error(500, f"{domain}.{service} failed: {err}")
    finally:
        unsub()
    payload: dict[str, Any] = {"changed_states": changed}
    if response is not None:
        payload["response"] = response
    return web.json_response(payload, dumps=lambda o: json.dumps(o, default=str))


async def services(request: web.Request) -> web.Response:
    return web.json_response(request.app[HUB].services.describe())


async def webhook(request: web.Request) -> web.Response:
    webhook_id = request.match_info["webhook_id"]
    raw = await request.read()
    payload: Any = None
    if raw.strip():
        try:
            payload = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError):
            payload = None
    form = dict(await request.post()) if payload is None else {}
    for handler in request.app[WEBHOOKS]:
        taken = await handler(
            webhook_id,
            payload,
            dict(request.headers),
            method=request.method,
            query=dict(request.query),
            data=form,
            remote=request.remote,
        )
        if taken:
            return web.json_response({"accepted": True})
    return json_error(404, f"no rule listens on webhook {webhook_id!r} for {request.method}")
