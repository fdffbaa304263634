"""A temporary configuration folder for end-to-end alert tests: a care district whose email
notifier points at a real SMTP server and whose webhook notifier points at a real receiver."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path

import pytest
import trustme

from tests.alerts.notifiers.servers import free_port

API_TOKEN = "e2e-api-token-0123456789abcdef"
WEBHOOK_SECRET = "e2e-webhook-secret-0123456789"
SMTP_USER, SMTP_PASSWORD = "hub", "smtp-pass-0123"


@dataclass(frozen=True)
class District:
    """Where the hub, the receiver and the SMTP server listen; the folder it runs from."""

    config: Path
    http_port: int
    webhook_port: int
    smtp_port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"


def write_config(
    folder: Path,
    *,
    http_port: int,
    webhook_port: int,
    smtp_port: int | None,
    wait: str = "00:05:00",
    retry_first: str = "00:00:01",
) -> District:
    """hub.yaml, secrets.yaml and the SMTP CA for one SOS alert with a two-step policy."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "secrets.yaml").write_text(
        f"webhook_secret: {WEBHOOK_SECRET}\nsmtp_password: {SMTP_PASSWORD}\n"
    )
    email = ""
    maria_mail = ""
    if smtp_port is not None:
        email = (
            f"    email: {{ type: email, host: 127.0.0.1, port: {smtp_port}, starttls: true,\n"
            f"             username: {SMTP_USER}, password: !secret smtp_password,\n"
            "             sender: hub@kozani.gr, ca_file: ca.pem, timeout: 5 }\n"
        )
        maria_mail = "{ notifier: email, address: maria@example.org }, "
    (folder / "hub.yaml").write_text(
        f"""\
hub:
  name: Kozani care test
  latitude: 40.3007
  longitude: 21.7887
  time_zone: Europe/Athens
  rules: []
http:
  host: 127.0.0.1
  port: {http_port}
  tokens: [ {API_TOKEN} ]
  announce: false
recorder:
  db_path: hub.db
  commit_interval: 0.2
alerts:
  base_url: http://127.0.0.1:{http_port}
  notifiers:
{email}    caregivers_app: {{ type: webhook, url: "http://127.0.0.1:{webhook_port}/hook",
                      secret: !secret webhook_secret, timeout: 2 }}
  people:
    maria:
      name: Maria Papadopoulou
      contacts: [ {maria_mail}{{ notifier: caregivers_app, address: maria }} ]
    nikos:
      name: Nikos Dimitriou
      contacts: [ {{ notifier: caregivers_app, address: nikos }} ]
  policies:
    care_critical:
      steps:
        - {{ notify: [maria], wait: "{wait}" }}
        - {{ notify: [nikos], wait: "01:00:00" }}
  retry: {{ first: "{retry_first}", factor: 1.5, longest: "00:00:02" }}
  definitions:
    - id: resident_r12_sos
      name: SOS in flat R12
      condition: {{ type: state, entity_id: input_boolean.resident_r12_sos, state: "on" }}
      severity: critical
      category: care
      policy: care_critical
      title: "SOS: {{{{ resident }}}} (R12)"
      message: "{{{{ resident }}}} pressed the SOS button at {{{{ since_local }}}}."
      variables: {{ resident: Eleni Georgiou }}
input_boolean:
  resident_r12_sos:
    name: SOS button, flat R12   # no initial: the button's state survives a restart
"""
    )
    return District(folder, http_port, webhook_port, smtp_port or 0)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def smtp_tls(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    return context


@pytest.fixture
def district(tmp_path: Path, ca: trustme.CA) -> District:
    folder = tmp_path / "config"
    district = write_config(
        folder, http_port=free_port(), webhook_port=free_port(), smtp_port=free_port()
    )
    ca.cert_pem.write_to_path(str(folder / "ca.pem"))
    return district
