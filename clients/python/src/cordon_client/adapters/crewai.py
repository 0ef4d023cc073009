"""CrewAI: a `before_tool_call` hook; returning False blocks the call.

    from cordon_client.adapters.crewai import install
    install(cordon)                      # registers the hook for every crew
"""

from __future__ import annotations

from typing import Any, Callable, Optional

from ..client import ApprovalRequired, Blocked, Cordon
from . import _verdict


def hook(cordon: Cordon, wait: Optional[float] = None) -> Callable[[Any], Optional[bool]]:
    """A before_tool_call hook: False (blocked) for a block; for requires_approval, waits
    `wait` seconds for a person and blocks unless approved (None: blocks at once, queued)."""

    def before(context: Any) -> Optional[bool]:
        v = _verdict(cordon, context.tool_name, context.tool_input)
        if v.blocked:
            return False
        try:
            cordon.allow_or_wait(v, wait)
        except (Blocked, ApprovalRequired):
            return False
        return None

    return before


def install(cordon: Cordon, wait: Optional[float] = None) -> Callable[[Any], Optional[bool]]:
    """Registers the hook globally (crewai.hooks.register_before_tool_call_hook); returns it,
    for crewai.hooks.unregister_before_tool_call_hook."""
    from crewai.hooks import register_before_tool_call_hook

    h = hook(cordon, wait)
    register_before_tool_call_hook(h)
    return h
