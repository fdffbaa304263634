"""Notifiers: how an alert reaches a person (webhook, email, the log)."""

from .base import NOTIFIER_TYPES, DeliveryError, Message, Notifier, NotifierFactory

__all__ = ["NOTIFIER_TYPES", "DeliveryError", "Message", "Notifier", "NotifierFactory"]
