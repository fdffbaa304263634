"""Alerts: definitions, the ISA-18.2 lifecycle, escalation, notification and the durable outbox."""
