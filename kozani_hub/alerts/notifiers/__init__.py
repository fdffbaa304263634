"""Notifiers: how an alert reaches a person. Each entry of `alerts.notifiers` names one, by type:

```yaml
alerts:
  notifiers:
    caregivers_app:                 # JSON POST, signed (see signing.py for how to verify)
      type: webhook
      url: https://care.kozani.gr/hooks/alerts
      secret: !secret webhook_secret   # 16 characters or more
      timeout: 10                   # seconds; optional
      headers: { X-Site: kozani }   # optional extra headers
    email:                          # one SMTP delivery per notification
      type: email
      host: mail.kozani.gr
      starttls: true                # or tls: true (implicit TLS, port 465); port is optional
      username: hub
      password: !secret smtp_password
      sender: hub@kozani.gr
      sender_name: Kozani Hub       # optional
      ca_file: mail-ca.pem          # optional, relative to the configuration folder
    log: { type: log, level: warning }
```

A person's contact gives the address on a notifier: an email address for `email`, the
person's id in the receiving app for `webhook` (sent as `address` in the JSON body).
"""

from .base import NOTIFIER_TYPES, DeliveryError, Message, Notifier, NotifierFactory

__all__ = ["NOTIFIER_TYPES", "DeliveryError", "Message", "Notifier", "NotifierFactory"]
