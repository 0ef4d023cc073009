"""LangChain / LangGraph: cordon decides which tool calls `HumanInTheLoopMiddleware` stops for,
and a tool wrapper refuses blocked calls before the tool runs.

    from langchain.agents import create_agent
    from langchain.agents.middleware import HumanInTheLoopMiddleware
    from cordon_client.adapters.langchain import interrupt_on, guard_tool

    tools = [guard_tool(t, cordon) for t in tools]
    middleware = [HumanInTheLoopMiddleware(interrupt_on=interrupt_on(cordon, tools))]
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional

from ..client import Cordon
from . import _verdict


def when(cordon: Cordon) -> Callable[[Any], bool]:
    """A `when=` predicate for `InterruptOnConfig`: interrupt unless cordon allows the call
    (requires_approval and block both go to the person, who sees cordon's reasons)."""

    def predicate(request: Any) -> bool:
        call = request.tool_call
        return _verdict(cordon, call["name"], call.get("args") or {}).decision != "allow"

    return predicate


def description(cordon: Cordon) -> Callable[..., str]:
    """A `description=` factory: cordon's decision and reasons for the reviewer."""

    def describe(tool_call: Any, state: Any = None, runtime: Any = None) -> str:
        return _verdict(cordon, tool_call["name"], tool_call.get("args") or {}).summary()

    return describe


def interrupt_on(
    cordon: Cordon, tools: Iterable[Any], allowed_decisions: Optional[list] = None
) -> dict:
    """`HumanInTheLoopMiddleware(interrupt_on=...)` for these tools (objects or names)."""
    decisions = allowed_decisions or ["approve", "reject"]
    out = {}
    for t in tools:
        name = t if isinstance(t, str) else t.name
        out[name] = {"allowed_decisions": decisions, "when": when(cordon), "description": description(cordon)}
    return out


def guard_tool(tool: Any, cordon: Cordon, wait: Optional[float] = None) -> Any:
    """A copy of a LangChain tool that asks cordon first. A blocked call (or a rejected
    approval) returns cordon's reason to the model as the tool's error instead of running;
    requires_approval waits `wait` seconds for a person (None: refused with the approval id)."""
    from langchain_core.tools import StructuredTool, ToolException

    from ..client import ApprovalRequired, Blocked

    def check(kwargs: dict) -> None:
        v = _verdict(cordon, tool.name, kwargs)
        if v.blocked:
            raise ToolException(v.summary())
        try:
            cordon.allow_or_wait(v, wait)
        except (Blocked, ApprovalRequired) as e:
            raise ToolException(str(e)) from e

    def run(**kwargs: Any) -> Any:
        check(kwargs)
        return tool.invoke(kwargs)

    async def arun(**kwargs: Any) -> Any:
        check(kwargs)
        return await tool.ainvoke(kwargs)

    return StructuredTool.from_function(
        func=run,
        coroutine=arun,
        name=tool.name,
        description=tool.description,
        args_schema=tool.args_schema,
        handle_tool_error=True,
    )
