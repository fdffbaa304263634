"""Real loopback servers for the notifier tests: an aiohttp webhook receiver that checks the
signature, and an aiosmtpd SMTP server on the test's own event loop (no thread)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiohttp import web
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from kozani_hub.alerts.notifiers.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    SignatureError,
    verify,
)


def free_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Delivery:
    """One request the receiver accepted, signature checked."""

    key: str
    body: dict[str, Any]
    headers: dict[str, str]
    at: float = 0.0
    """When it arrived (wall-clock seconds)."""


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1 that verifies each request's signature.

    `answers` is a queue of status codes to give before answering 200; a request with a bad
    signature gets 401. `now` is the receiver's clock, for the replay window. With `hold`, a
    request is taken (recorded) and its answer held back until `release()` or `stop()`, as a
    receiver that processed a notification but whose reply the sender never saw.
    """

    secret: bytes
    now: Callable[[], float] = time.time
    answers: list[int] = field(default_factory=list)
    delay: float = 0.0
    hold: bool = False
    port: int = 0
    delivered: list[Delivery] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    attempts: list[str] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    _runner: web.AppRunner | None = None
    _released: asyncio.Event = field(default_factory=asyncio.Event)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def _handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        self.attempts.append(request.headers.get(IDEMPOTENCY_HEADER, ""))
        if self.delay:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), self.delay)
        try:
            verify(
                self.secret,
                raw,
                request.headers.get(SIGNATURE_HEADER),
                request.headers.get(TIMESTAMP_HEADER),
                now=self.now(),
            )
        except SignatureError as err:
            self.refused.append(str(err))
            return web.Response(status=401, text=f"bad signature: {err}")
        if self.answers:
            status = self.answers.pop(0)
            return web.Response(status=status, text=f"receiver says {status}")
        body = json.loads(raw)
        key = request.headers.get(IDEMPOTENCY_HEADER, "")
        self.delivered.append(Delivery(key, body, dict(request.headers), time.time()))
        self.arrived.set()
        if self.hold:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._released.wait(), 30.0)
        return web.Response(status=200, text="ok")

    def release(self) -> None:
        """Answer the held requests and hold no more."""
        self.hold = False
        self._released.set()

    async def start(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self._handle)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port, reuse_address=True)
        await site.start()
        if self.port == 0:
            self.port = int(self._runner.addresses[0][1])
        return self

    async def stop(self) -> None:
        self._released.set()  # slow answers end now, so stopping does not wait for them
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class Mailbox:
    """An SMTP server's handler: keeps what it accepts, refuses what it is told to."""

    refuse_rcpt: str | None = None
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if self.refuse_rcpt is not None:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        mail = message_from_bytes(content, policy=policy.default)
        assert isinstance(mail, EmailMessage)
        self.received.append(mail)
        self.envelopes.append(envelope)
        self.arrived.set()
        return "250 Message accepted for delivery"


def password_check(
    users: dict[str, str],
) -> Callable[[SMTP, Session, Envelope, str, Any], AuthResult]:
    def authenticate(
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = users.get(data.login.decode()) == data.password.decode()
        # handled=False: aiosmtpd answers the refusal (535) itself
        return AuthResult(success=ok, handled=False)

    return authenticate


@dataclass
class SmtpServer:
    """aiosmtpd on 127.0.0.1, in this event loop."""

    mailbox: Mailbox = field(default_factory=Mailbox)
    tls_context: ssl.SSLContext | None = None
    implicit_tls: bool = False
    users: dict[str, str] | None = None
    port: int = 0
    _server: asyncio.Server | None = None

    def _protocol(self) -> SMTP:
        return SMTP(
            self.mailbox,
            hostname="mail.test",
            tls_context=None if self.implicit_tls else self.tls_context,
            require_starttls=self.tls_context is not None and not self.implicit_tls,
            authenticator=password_check(self.users) if self.users is not None else None,
            auth_required=self.users is not None,
            auth_require_tls=True,
        )

    async def start(self) -> SmtpServer:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            self._protocol,
            "127.0.0.1",
            self.port,
            ssl=self.tls_context if self.implicit_tls else None,
            reuse_address=True,
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
