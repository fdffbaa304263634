"""The webhook signature scheme, as a receiver checks it."""

from __future__ import annotations

import pytest

from kozani_hub.alerts.notifiers.signing import SignatureError, sign, verify

SECRET = b"kozani-webhook-secret-0123456789"
BODY = b'{"alert_id": "tank_north_low"}'


def test_a_fresh_signed_body_verifies() -> None:
    verify(SECRET, BODY, sign(SECRET, 1_768_000_000, BODY), "1768000000", now=1_768_000_010)


@pytest.mark.parametrize(
    ("body", "signature", "timestamp", "expected"),
    [
        (BODY + b" ", sign(SECRET, 1_768_000_000, BODY), "1768000000", "does not match"),
        (BODY, sign(b"other-secret", 1_768_000_000, BODY), "1768000000", "does not match"),
        (BODY, sign(SECRET, 1_768_000_000, BODY), "1768000001", "does not match"),
        (BODY, sign(SECRET, 1_767_990_000, BODY), "1767990000", "from now"),
        (BODY, None, "1768000000", "missing"),
        (BODY, sign(SECRET, 1_768_000_000, BODY), "yesterday", "unix seconds"),
    ],
    ids=[
        "body changed",
        "wrong secret",
        "timestamp changed",
        "replayed later",
        "unsigned",
        "bad time",
    ],
)
def test_tampered_unsigned_or_replayed_requests_are_refused(
    body: bytes, signature: str | None, timestamp: str, expected: str
) -> None:
    with pytest.raises(SignatureError, match=expected):
        verify(SECRET, body, signature, timestamp, now=1_768_000_010)
