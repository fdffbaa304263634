"""The webhook signature: HMAC-SHA256 over the timestamp and the raw body.

The hub sends `X-Kozani-Timestamp: <unix seconds>` and
`X-Kozani-Signature: sha256=<hex of HMAC-SHA256(secret, b"<timestamp>." + body)>`. A receiver
recomputes it over the bytes it received and refuses a request whose timestamp is too old, so
a captured request cannot be replayed later. `verify` is the receiver's half, for anyone who
writes one in Python.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Kozani-Signature"
TIMESTAMP_HEADER = "X-Kozani-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "sha256="


class SignatureError(Exception):
    """A webhook request whose signature or timestamp does not hold."""


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The X-Kozani-Signature header value for `body` sent at `timestamp`."""
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return SCHEME + digest


def verify(
    secret: bytes,
    body: bytes,
    signature: str | None,
    timestamp: str | None,
    *,
    now: float,
    tolerance: float = 300.0,
) -> None:
    """Raise SignatureError unless `signature` signs `body` at a timestamp within `tolerance`
    seconds of `now`."""
    if not signature or not timestamp:
        raise SignatureError(f"missing {SIGNATURE_HEADER} or {TIMESTAMP_HEADER} header")
    try:
        sent = int(timestamp)
    except ValueError:
        raise SignatureError(f"{TIMESTAMP_HEADER} is not unix seconds: {timestamp!r}") from None
    if abs(now - sent) > tolerance:
        raise SignatureError(f"timestamp {sent} is more than {tolerance:g} s from now")
    if not hmac.compare_digest(sign(secret, sent, body), signature):
        raise SignatureError("signature does not match the body")
