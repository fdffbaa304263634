"""The email a notification becomes: plain text, an HTML alternative with an acknowledge
button, and a Message-ID derived from the idempotency key so a duplicate is recognisable."""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from typing import Any

from .contract import Message

_BUTTON = (
    "display:inline-block;padding:14px 28px;background:#b3261e;color:#ffffff;"
    "text-decoration:none;border-radius:8px;font-weight:bold;font-size:18px"
)


def message_id(key: str, sender: str) -> str:
    """The Message-ID for the notification with idempotency key `key` (same key, same id)."""
    domain = sender.rpartition("@")[2] or "kozani-hub.invalid"
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:40]}@{domain}>"


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _facts(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    return [(str(k), str(v)) for k, v in data.items() if isinstance(v, str | int | float | bool)]


def plain_text(message: Message) -> str:
    """The text/plain part: the body, the link, then the facts."""
    lines = [message.body.rstrip(), ""]
    if message.ack_url:
        lines += [f"Acknowledge (I've got it): {message.ack_url}", ""]
    lines.append(f"Alert: {message.alert_id} · {message.severity} · {message.category}")
    lines += [f"{k}: {v}" for k, v in _facts(message.data)]
    lines.append(f"Notification key: {message.key}")
    return "\n".join(lines) + "\n"


def html_text(message: Message) -> str:
    """The text/html alternative: the same content, the link as a big button."""
    esc = html.escape
    body = "<br>".join(esc(line) for line in message.body.rstrip().splitlines())
    button = ""
    if message.ack_url:
        button = (
            f'<p style="margin:24px 0"><a href="{esc(message.ack_url, quote=True)}" '
            f'style="{_BUTTON}">Acknowledge</a></p>'
        )
    facts = "".join(
        f'<tr><td style="color:#555;padding-right:12px">{esc(k)}</td><td>{esc(v)}</td></tr>'
        for k, v in _facts(message.data)
    )
    return (
        '<!doctype html><html><body style="font-family:sans-serif;font-size:16px">'
        f'<h2 style="margin:0 0 12px">{esc(message.title)}</h2>'
        f"<p>{body}</p>{button}"
        f'<p style="color:#555;font-size:13px">{esc(message.alert_id)} · '
        f"{esc(message.severity)} · {esc(message.category)}</p>"
        f'<table style="font-size:13px">{facts}</table>'
        f'<p style="color:#999;font-size:11px">Notification key: {esc(message.key)}</p>'
        "</body></html>"
    )


def compose(
    message: Message, *, sender: str, sender_name: str | None, subject_prefix: str, now: datetime
) -> EmailMessage:
    """The complete email for one notification to `message.address`."""
    mail = EmailMessage()
    mail["From"] = formataddr((sender_name or "", sender))
    mail["To"] = message.address
    mail["Subject"] = _one_line(f"{subject_prefix}[{message.severity.upper()}] {message.title}")
    mail["Date"] = format_datetime(now)
    mail["Message-ID"] = message_id(message.key, sender)
    mail["Auto-Submitted"] = "auto-generated"
    mail["X-Kozani-Idempotency-Key"] = _one_line(message.key)
    mail["X-Kozani-Alert"] = _one_line(message.alert_id)
    if message.severity in {"critical", "high"}:
        mail["Importance"] = "high"
        mail["X-Priority"] = "1"
    mail.set_content(plain_text(message))
    mail.add_alternative(html_text(message), subtype="html")
    return mail
