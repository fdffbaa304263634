"""Fixtures for the template tests: a bare hub on simulated time and its template engine."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from kozani_hub.core.clock import SimulatedClock
from kozani_hub.hub import Hub
from kozani_hub.templates import TemplateEngine

START = datetime.fromisoformat("2026-01-15T12:00:00+02:00")

Render = Callable[..., Any]


@pytest.fixture
def hub() -> Hub:
    """Templates need no running loop: a hub that is never started is enough."""
    return Hub(clock=SimulatedClock(START))


@pytest.fixture
def engine(hub: Hub) -> TemplateEngine:
    return hub.templates


@pytest.fixture
def render(engine: TemplateEngine) -> Render:
    """Compile and render a template with keyword variables."""

    def run(source: str, **variables: Any) -> Any:
        return engine.compile(source).render(variables)

    return run
