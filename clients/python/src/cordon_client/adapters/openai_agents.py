"""OpenAI Agents SDK: a tool input guardrail that rejects blocked calls, and a `needs_approval`
callable that sends requires_approval calls to the SDK's approval flow.

    from agents import function_tool
    from cordon_client.adapters.openai_agents import guardrail, needs_approval

    @function_tool(tool_input_guardrails=[guardrail(cordon)],
                   needs_approval=needs_approval(cordon, "delete_file"))
    def delete_file(path: str) -> str: ...
"""

from __future__ import annotations

import json
from typing import Any, Awaitable, Callable

from ..client import Cordon
from . import _verdict


def guardrail(cordon: Cordon, name: str = "cordon") -> Any:
    """A `ToolInputGuardrail`: a call cordon blocks is rejected (the model gets cordon's
    reason instead of the tool's result); anything else runs."""
    from agents import ToolGuardrailFunctionOutput, tool_input_guardrail

    @tool_input_guardrail(name=name)
    def cordon_guardrail(data: Any) -> Any:
        ctx = data.context
        try:
            args = json.loads(ctx.tool_arguments or "{}")
        except ValueError:
            args = {"input": ctx.tool_arguments}
        v = _verdict(cordon, ctx.tool_name, args)
        if v.blocked:
            return ToolGuardrailFunctionOutput.reject_content(v.summary(), output_info=v)
        return ToolGuardrailFunctionOutput.allow(output_info=v)

    return cordon_guardrail


def needs_approval(cordon: Cordon, tool_name: str) -> Callable[[Any, dict, str], Awaitable[bool]]:
    """`needs_approval=` for a tool: True when cordon says requires_approval (or block, which
    the guardrail refuses anyway)."""

    async def decide(run_context: Any, params: dict, call_id: str) -> bool:
        return _verdict(cordon, tool_name, params).decision != "allow"

    return decide
