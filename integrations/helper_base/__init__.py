"""What the helper integrations share (input_*, timer, counter, template, derivative, ...).

Not an integration itself: a small kit of schema types, the helper entity with restore,
the hook that runs once the recorder has restored, entity services, and templates that are
rendered again when what they read changes.
"""

from .entity import HelperEntity
from .lifecycle import HelperSetup
from .restore import after_restore, recorder_of, when_started
from .services import NoData, entity_service

__all__ = [
    "HelperEntity",
    "HelperSetup",
    "NoData",
    "after_restore",
    "entity_service",
    "recorder_of",
    "when_started",
]
