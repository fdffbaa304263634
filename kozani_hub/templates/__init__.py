"""Jinja templates in a hardened sandbox, with the helpers of Home Assistant templates.

template = hub.templates.compile("{{ states('sensor.tank_level') | float(0) > 1.2 }}")
template.render()                 # True
info = template.render_with_info()
info.entities                     # frozenset({'sensor.tank_level'})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .engine import RenderInfo, Template, TemplateEngine, is_template_string
from .errors import TemplateError
from .limits import Limits


def render_complex(value: Any, variables: Mapping[str, Any] | None, engine: TemplateEngine) -> Any:
    """Render every template string inside `value` (nested dicts, lists and strings, keys too);
    everything else is returned as it is."""
    if isinstance(value, str):
        if not is_template_string(value):
            return value
        return engine.compile(value).render(variables)
    if isinstance(value, Template):
        return value.render(variables)
    if isinstance(value, Mapping):
        return {
            render_complex(key, variables, engine): render_complex(item, variables, engine)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [render_complex(item, variables, engine) for item in value]
    return value


__all__ = [
    "Limits",
    "RenderInfo",
    "Template",
    "TemplateEngine",
    "TemplateError",
    "is_template_string",
    "render_complex",
]
