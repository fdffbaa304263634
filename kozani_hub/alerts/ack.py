"""Acknowledgement links: `/ack/{token}` lets a caregiver say "I've got it" from the phone.

A token is random, names one alert and one person, works once and expires. Only its keyed hash
is stored (durably, before the link is sent), so the database cannot be used to forge a link.
GET shows a confirmation page with a button and changes nothing, so the link scanners of mail
clients cannot acknowledge by fetching; POST acknowledges. Pages for unknown, expired and used
tokens say so plainly and never reveal anything about other alerts.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import html
import logging
import re
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from kozani_hub.http import HttpServer
    from kozani_hub.hub import Hub
    from kozani_hub.recorder import RestoreStore

_LOGGER = logging.getLogger("kozani_hub.alerts.ack")

KIND = "ack_token"
PATH = "/ack/{token}"
KEEP_AFTER_EXPIRY = timedelta(days=7)
"""Used and expired tokens are remembered this long, so their pages can still say why."""
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,64}$")

OnAck = Callable[[str, str], Awaitable[str]]


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What a token stands for, as stored under its hash."""

    alert_id: str
    person: str
    issued: datetime
    expires: datetime
    title: str | None = None
    person_name: str | None = None
    used_at: datetime | None = None
    result: str | None = None

    def payload(self) -> dict[str, Any]:
        return {
            "alert_id": self.alert_id,
            "person": self.person,
            "issued": self.issued,
            "expires": self.expires,
            "title": self.title,
            "person_name": self.person_name,
            "used_at": self.used_at,
            "result": self.result,
        }

    @classmethod
    def from_payload(cls, data: Mapping[str, Any]) -> TokenRecord:
        """The record saved as `data`; ValueError if it is not one."""
        alert_id, person = data.get("alert_id"), data.get("person")
        issued, expires = data.get("issued"), data.get("expires")
        if not (isinstance(alert_id, str) and isinstance(person, str)):
            raise ValueError("no alert or person")
        if not (isinstance(issued, datetime) and isinstance(expires, datetime)):
            raise ValueError("no issue or expiry time")
        used_at = data.get("used_at")
        return cls(
            alert_id,
            person,
            issued,
            expires,
            _text(data.get("title")),
            _text(data.get("person_name")),
            used_at if isinstance(used_at, datetime) else None,
            _text(data.get("result")),
        )

    @property
    def who(self) -> str:
        return self.person_name or self.person

    @property
    def what(self) -> str:
        return self.title or self.alert_id


class AckTokens:
    """Issues acknowledgement tokens and serves the `/ack/{token}` pages."""

    def __init__(
        self,
        hub: Hub,
        store: RestoreStore,
        secret: bytes,
        lifetime: timedelta,
        *,
        base_url: str | None = None,
    ) -> None:
        self._hub = hub
        self._store = store
        self._secret = secret
        self._lifetime = lifetime
        self._base_url = base_url.rstrip("/") if base_url else None
        self._records: dict[str, TokenRecord] = {}
        self._loaded = False
        self._lock = asyncio.Lock()
        self._on_ack: OnAck | None = None
        self._server: HttpServer | None = None
        self._next_prune: datetime | None = None

    def _digest(self, token: str) -> str:
        return hmac.new(self._secret, token.encode(), hashlib.sha256).hexdigest()

    def issue(
        self,
        alert_id: str,
        person: str,
        *,
        title: str | None = None,
        person_name: str | None = None,
    ) -> str:
        """A new token for `person` to acknowledge `alert_id`; saved before this returns (the
        write is queued ahead of anything written after it, such as the outbox entry)."""
        token = secrets.token_urlsafe(24)
        now = self._hub.clock.now()
        record = TokenRecord(alert_id, person, now, now + self._lifetime, title, person_name)
        digest = self._digest(token)
        self._records[digest] = record
        self._store.put(KIND, digest, record.payload(), due=record.expires)
        self._prune(now)
        return token

    def _prune(self, now: datetime) -> None:
        """Forget tokens long past their expiry, at most once an hour."""
        if self._next_prune is not None and now < self._next_prune:
            return
        self._next_prune = now + timedelta(hours=1)
        horizon = now - KEEP_AFTER_EXPIRY
        for digest in [d for d, r in self._records.items() if r.expires < horizon]:
            del self._records[digest]
            self._store.delete(KIND, digest)

    def url(self, token: str) -> str:
        """The link that goes into a notification."""
        base = self._base_url
        if base is None:
            base = self._server.url if self._server is not None else "http://127.0.0.1:8123"
        return f"{base}/ack/{token}"

    def install(self, server: HttpServer, on_ack: OnAck) -> None:
        """Serve the pages on `server`; `on_ack(alert_id, person)` acknowledges and returns a
        sentence for the page. Links use the server's address when no base_url was given."""
        self._on_ack = on_ack
        self._server = server
        server.add_route("GET", PATH, self._get, public=True)
        server.add_route("POST", PATH, self._post, public=True)

    async def _record(self, token: str) -> tuple[str, TokenRecord] | None:
        if not _TOKEN_SHAPE.match(token):
            return None
        if not self._loaded:
            await self._load()
        digest = self._digest(token)
        record = self._records.get(digest)
        return None if record is None else (digest, record)

    async def _load(self) -> None:
        """Read the saved tokens once (tokens issued since are already in memory) and forget
        those long past their expiry."""
        items = await self._store.items(KIND)
        horizon = self._hub.clock.now() - KEEP_AFTER_EXPIRY
        for item in items:
            try:
                record = TokenRecord.from_payload(item.payload)
            except ValueError:
                _LOGGER.warning("Saved acknowledgement token %s unreadable; dropped", item.key)
                record = None
            if record is None or record.expires < horizon:
                self._store.delete(KIND, item.key)
                continue
            self._records.setdefault(item.key, record)
        self._loaded = True

    async def _get(self, request: web.Request) -> web.Response:
        found = await self._record(request.match_info["token"])
        if found is None:
            return self._unknown()
        record = found[1]
        if record.used_at is not None:
            return self._used(record)
        if self._hub.clock.now() >= record.expires:
            return self._expired(record)
        return _page(
            200,
            "Acknowledge alert",
            [
                f"<h1>{_e(record.what)}</h1>",
                f"<p>Sent to {_e(record.who)} at {_e(self._time(record.issued))}.</p>",
                "<p>Acknowledge to tell the others that you are taking care of it.</p>",
                '<form method="post"><button type="submit">I\'ve got it — acknowledge'
                "</button></form>",
                f'<p class="small">This link works once, until {_e(self._time(record.expires))}.'
                "</p>",
            ],
        )

    async def _post(self, request: web.Request) -> web.Response:
        async with self._lock:  # a double tap must not acknowledge twice
            found = await self._record(request.match_info["token"])
            if found is None:
                return self._unknown()
            digest, record = found
            if record.used_at is not None:
                return self._used(record)
            if self._hub.clock.now() >= record.expires:
                return self._expired(record)
            return await self._acknowledge(digest, record)

    async def _acknowledge(self, digest: str, record: TokenRecord) -> web.Response:
        assert self._on_ack is not None
        try:
            said = await self._on_ack(record.alert_id, record.person)
        except Exception:
            _LOGGER.exception("Acknowledging %s for %s failed", record.alert_id, record.person)
            return _page(
                503,
                "Not acknowledged",
                [
                    "<h1>Not acknowledged</h1>",
                    f"<p>The hub could not record your acknowledgement of {_e(record.what)}. "
                    "Please try again in a moment, or call the others.</p>",
                    '<form method="post"><button type="submit">Try again</button></form>',
                ],
            )
        used = replace(record, used_at=self._hub.clock.now(), result=said)
        self._records[digest] = used
        await self._store.put(KIND, digest, used.payload(), due=used.expires)
        return _page(200, "Acknowledged", [f"<h1>{_e(record.what)}</h1>", f"<p>✔ {_e(said)}</p>"])

    def _unknown(self) -> web.Response:
        return _page(
            404,
            "Link not valid",
            [
                "<h1>This link is not valid</h1>",
                "<p>It may be mistyped or cut short. Open the link from the notification "
                "again, or acknowledge in the app.</p>",
            ],
        )

    def _expired(self, record: TokenRecord) -> web.Response:
        return _page(
            410,
            "Link expired",
            [
                f"<h1>{_e(record.what)}</h1>",
                f"<p>This acknowledgement link expired at {_e(self._time(record.expires))}. "
                "If the alert still needs you, a newer notification carries a new link.</p>",
            ],
        )

    def _used(self, record: TokenRecord) -> web.Response:
        assert record.used_at is not None
        lines = [
            f"<h1>{_e(record.what)}</h1>",
            f"<p>Already acknowledged by {_e(record.who)} at {_e(self._time(record.used_at))}.</p>",
        ]
        if record.result:
            lines.append(f'<p class="small">{_e(record.result)}</p>')
        return _page(409, "Already acknowledged", lines)

    def _time(self, when: datetime) -> str:
        local = when.astimezone(self._hub.tz)
        today = self._hub.clock.now().astimezone(self._hub.tz).date()
        if local.date() == today:
            return local.strftime("%H:%M")
        return local.strftime("%H:%M on %d %b %Y")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _e(text: str) -> str:
    return html.escape(text, quote=True)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:0;padding:24px;max-width:32rem;"
    "line-height:1.45;color:#1b1b1b}h1{font-size:1.4rem}.small{color:#555;font-size:.9rem}"
    "button{font-size:1.2rem;padding:16px;width:100%;border:0;border-radius:10px;"
    "background:#b3261e;color:#fff;font-weight:600}"
)

_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'",
}


def _page(status: int, title: str, body: list[str]) -> web.Response:
    text = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)} · Kozani Hub</title><style>{_STYLE}</style></head>"
        f"<body>{''.join(body)}</body></html>"
    )
    return web.Response(status=status, text=text, content_type="text/html", headers=_HEADERS)
