"""The webhook notifier: a signed JSON POST per notification (see signing.py for the scheme).

A 2xx answer means delivered. Timeouts, refused connections, 5xx, 408 and 429 are worth trying
again; other 4xx and redirects are not (the request or the configuration is wrong). Retrying
is the outbox's job: this notifier tries once per `send`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import aiohttp
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

from .contract import DeliveryError, Message, Notifier
from .signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

if TYPE_CHECKING:
    from kozani_hub.hub import Hub

RETRYABLE_4XX = frozenset({408, 425, 429})
USER_AGENT = "Kozani-Hub-Alerts/1"
MIN_SECRET = 16


class WebhookConfig(BaseModel):
    """`{type: webhook, url: ..., secret: ...}`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["webhook"] = "webhook"
    url: str
    secret: SecretStr
    timeout: float = Field(default=10.0, gt=0, le=300)
    headers: dict[str, str] = Field(default_factory=dict)

    @field_validator("secret")
    @classmethod
    def _long_secret(cls, value: SecretStr) -> SecretStr:
        length = len(value.get_secret_value())
        if length < MIN_SECRET:
            raise ValueError(
                f"the signing secret must be at least {MIN_SECRET} characters long, found "
                f"{length}: use a long random string, kept in secrets.yaml"
            )
        return value

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"expected an http:// or https:// URL, got {value!r}")
        return value


def payload(message: Message) -> dict[str, Any]:
    """The JSON document posted for `message`."""
    return {
        "idempotency_key": message.key,
        "alert_id": message.alert_id,
        "recipient": message.recipient,
        "address": message.address,
        "channel": message.channel,
        "title": message.title,
        "body": message.body,
        "severity": message.severity,
        "category": message.category,
        "ack_url": message.ack_url,
        "data": dict(message.data),
    }


class WebhookNotifier:
    """Posts each message as signed JSON to one URL."""

    def __init__(self, name: str, config: WebhookConfig, hub: Hub) -> None:
        self.name = name
        self._config = config
        self._hub = hub
        self._secret = config.secret.get_secret_value().encode()
        self._session: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self._config.timeout)
            self._session = aiohttp.ClientSession(timeout=timeout)
        return self._session

    def _request(self, message: Message) -> tuple[bytes, Mapping[str, str]]:
        body = json.dumps(payload(message), ensure_ascii=False, default=str).encode()
        timestamp = int(self._hub.clock.now().timestamp())
        headers = {
            **self._config.headers,
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": USER_AGENT,
            IDEMPOTENCY_HEADER: message.key,
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(self._secret, timestamp, body),
        }
        return body, headers

    async def send(self, message: Message) -> None:
        """POST the message once; raise DeliveryError unless the receiver answers 2xx."""
        body, headers = self._request(message)
        url = self._config.url
        try:
            async with self._client().post(
                url, data=body, headers=headers, allow_redirects=False
            ) as response:
                if 200 <= response.status < 300:
                    return
                text = (await response.text(errors="replace"))[:200].strip()
                raise _status_error(url, response.status, response.reason, text)
        except TimeoutError:
            raise DeliveryError(
                f"webhook {url} did not answer within {self._config.timeout:g} s", retryable=True
            ) from None
        except aiohttp.ClientError as err:
            raise DeliveryError(f"webhook {url} unreachable: {err}", retryable=True) from err

    async def close(self) -> None:
        """Close the HTTP connection pool."""
        if self._session is not None:
            await self._session.close()
            self._session = None


def _status_error(url: str, status: int, reason: str | None, text: str) -> DeliveryError:
    said = f"webhook {url} answered {status} {reason or ''}".rstrip()
    if text:
        said += f": {text}"
    if status >= 500 or status in RETRYABLE_4XX:
        return DeliveryError(said, retryable=True)
    if 300 <= status < 400:
        return DeliveryError(f"{said} (a redirect: configure the final URL)", retryable=False)
    return DeliveryError(said, retryable=False)


def create(name: str, config: BaseModel, hub: Hub) -> Notifier:
    """The webhook notifier for a validated WebhookConfig."""
    if not isinstance(config, WebhookConfig):
        raise TypeError(f"notifier {name!r}: expected a webhook configuration")
    return WebhookNotifier(name, config, hub)


__all__ = ["WebhookConfig", "WebhookNotifier", "create", "payload"]
