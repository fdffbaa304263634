"""The email notifier: one SMTP delivery per notification through aiosmtplib.

Plain, STARTTLS (`starttls: true`) or implicit TLS (`tls: true`), with optional login. What the
server says decides what happens next: a 4xx answer or a server that cannot be reached is worth
trying again; a 5xx answer (a refused recipient, a failed login) is not. The server's own words
are kept in the error.
"""

from __future__ import annotations

import ssl
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Self

import aiosmtplib
from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from .contract import DeliveryError, Message, Notifier
from .email_content import compose

if TYPE_CHECKING:
    from kozani_hub.hub import Hub


def _is_address(value: str) -> bool:
    name, address = parseaddr(value)
    local, at, domain = address.partition("@")
    return bool(at and local and "." in domain and not name and address == value.strip())


class EmailConfig(BaseModel):
    """`{type: email, host: ..., sender: ...}` with optional port, TLS and login."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["email"] = "email"
    host: str
    port: int | None = Field(default=None, ge=1, le=65535)
    starttls: bool = False
    tls: bool = False
    username: str | None = None
    password: SecretStr | None = None
    sender: str
    sender_name: str | None = "Kozani Hub"
    subject_prefix: str = ""
    timeout: float = Field(default=30.0, gt=0, le=600)
    validate_certs: bool = True
    ca_file: str | None = None

    @field_validator("sender")
    @classmethod
    def _sender_address(cls, value: str) -> str:
        if not _is_address(value):
            raise ValueError(f"expected an email address like hub@kozani.gr, got {value!r}")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.starttls and self.tls:
            raise ValueError("choose one of starttls (port 587) and tls (port 465), not both")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together: give both or neither")
        return self

    @property
    def effective_port(self) -> int:
        if self.port is not None:
            return self.port
        return 465 if self.tls else 587 if self.starttls else 25


class EmailNotifier:
    """Sends each message as an email to the person's address."""

    def __init__(self, name: str, config: EmailConfig, hub: Hub) -> None:
        self.name = name
        self._config = config
        self._hub = hub
        self._ca_file = _resolve(config.ca_file, hub.config_dir)
        if self._ca_file is not None and not Path(self._ca_file).is_file():
            raise ValueError(f"ca_file {self._ca_file} does not exist (or is not a file)")

    async def send(self, message: Message) -> None:
        """Deliver one email; raise DeliveryError with the server's answer if it is refused."""
        if not _is_address(message.address):
            raise DeliveryError(
                f"{message.recipient}'s address on {self.name} is not an email address: "
                f"{message.address!r}",
                retryable=False,
            )
        config = self._config
        mail = compose(
            message,
            sender=config.sender,
            sender_name=config.sender_name,
            subject_prefix=config.subject_prefix,
            now=self._hub.clock.now(),
        )
        password = config.password.get_secret_value() if config.password else None
        try:
            await aiosmtplib.send(
                mail,
                sender=config.sender,
                recipients=[message.address],
                hostname=config.host,
                port=config.effective_port,
                username=config.username,
                password=password,
                use_tls=config.tls,
                start_tls=config.starttls,
                validate_certs=config.validate_certs,
                cert_bundle=self._ca_file,
                timeout=config.timeout,
            )
        except (aiosmtplib.SMTPException, ssl.SSLError, OSError) as err:
            raise _delivery_error(self._where(), message.address, err) from err

    def _where(self) -> str:
        return f"SMTP server {self._config.host}:{self._config.effective_port}"

    async def close(self) -> None:
        """Nothing to release: each email uses its own connection."""


def _resolve(path: str | None, config_dir: Path | None) -> str | None:
    if path is None:
        return None
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and config_dir is not None:
        candidate = config_dir / candidate
    return str(candidate)


def _answer(code: int, text: str) -> tuple[str, bool]:
    return f"{code} {' '.join(text.split())}", code < 500


def _delivery_error(where: str, address: str, err: BaseException) -> DeliveryError:
    """What went wrong, in the server's words, and whether trying again may help."""
    if isinstance(err, aiosmtplib.SMTPRecipientsRefused) and err.recipients:
        said, retry = _answer(err.recipients[0].code, err.recipients[0].message)
        return DeliveryError(f"{where} refused recipient {address}: {said}", retryable=retry)
    if isinstance(err, aiosmtplib.SMTPAuthenticationError):
        said, retry = _answer(err.code, err.message)
        return DeliveryError(f"{where} refused the login: {said}", retryable=retry)
    if isinstance(err, aiosmtplib.SMTPSenderRefused):
        said, retry = _answer(err.code, err.message)
        return DeliveryError(f"{where} refused sender {err.sender}: {said}", retryable=retry)
    if isinstance(err, aiosmtplib.SMTPResponseException) and not isinstance(
        err, aiosmtplib.SMTPConnectError
    ):
        said, retry = _answer(err.code, err.message)
        return DeliveryError(f"{where} refused the email to {address}: {said}", retryable=retry)
    if isinstance(err, aiosmtplib.SMTPNotSupported):
        return DeliveryError(f"{where}: {err.message}", retryable=False)
    if isinstance(err, ssl.SSLError):
        return DeliveryError(f"{where}: TLS failed: {err}", retryable=True)
    if isinstance(err, TimeoutError):
        return DeliveryError(f"{where} did not answer in time: {err}", retryable=True)
    text = err.message if isinstance(err, aiosmtplib.SMTPException) else str(err)
    return DeliveryError(f"{where} unreachable: {text}", retryable=True)


def create(name: str, config: BaseModel, hub: Hub) -> Notifier:
    """The email notifier for a validated EmailConfig."""
    if not isinstance(config, EmailConfig):
        raise TypeError(f"notifier {name!r}: expected an email configuration")
    return EmailNotifier(name, config, hub)
