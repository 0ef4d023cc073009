"""Adapters for agent frameworks; each imports its framework only when used."""

from typing import Any

from ..client import Cordon, Verdict


def _verdict(cordon: Cordon, name: str, args: Any) -> Verdict:
    """cordon's verdict on a call, never raising on block (the adapter answers in its
    framework's own way)."""
    return cordon.decide(name, args if isinstance(args, dict) else {"input": args})
