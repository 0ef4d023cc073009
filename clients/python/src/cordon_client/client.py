"""The client: one Cordon object answers check, inspect and validate through `cordon serve`
when its socket answers, and through the `cordon` CLI otherwise. Both give the same JSON (the
server runs the CLI's own pipeline), so results do not depend on which one answered."""

from __future__ import annotations

import functools
import http.client
import inspect as _inspect
import json
import os
import shutil
import socket as _socket
import subprocess
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Optional, Sequence, Union

def default_socket() -> str:
    """Where `cordon serve` listens by default: its log directory's cordon.sock, the log
    directory being $CORDON_HOME when set, else ./.cordon (as the CLI resolves it)."""
    home = os.environ.get("CORDON_HOME")
    return os.path.join(home if home else ".cordon", "cordon.sock")


class CordonError(Exception):
    """cordon could not answer: not installed, a malformed request, an unreadable policy."""


class Blocked(CordonError):
    """The gate blocked the action (or a person rejected it). `result` is the full answer."""

    def __init__(self, message: str, result: Any = None):
        super().__init__(message)
        self.result = result


class ApprovalRequired(CordonError):
    """The action needs a person's approval; `approval_id` names it in the queue."""

    def __init__(self, message: str, approval_id: Optional[str], result: Any = None):
        super().__init__(message)
        self.approval_id = approval_id
        self.result = result


class ApprovalTimeout(ApprovalRequired):
    """Nobody decided within the wait."""


@dataclass(frozen=True)
class Verdict:
    """A validate answer (also what `check` returns): `{allowed, decision, risk_level,
    risk_score, reasons, policy_rule, approval_id}`."""

    allowed: bool
    decision: str
    risk_level: str
    risk_score: float
    reasons: list = field(default_factory=list)
    policy_rule: Optional[str] = None
    approval_id: Optional[str] = None

    @property
    def blocked(self) -> bool:
        return self.decision == "block"

    @property
    def needs_approval(self) -> bool:
        return self.decision == "requires_approval"

    def summary(self) -> str:
        rule = f", rule {self.policy_rule}" if self.policy_rule else ""
        why = ": " + "; ".join(self.reasons) if self.reasons else ""
        return f"cordon: {self.decision} (score {round(self.risk_score * 100)}, {self.risk_level}{rule}){why}"

    @classmethod
    def from_json(cls, d: dict) -> "Verdict":
        return cls(
            allowed=bool(d["allowed"]),
            decision=d["decision"],
            risk_level=d["risk_level"],
            risk_score=float(d["risk_score"]),
            reasons=list(d.get("reasons") or []),
            policy_rule=d.get("policy_rule"),
            approval_id=d.get("approval_id"),
        )


@dataclass(frozen=True)
class Inspection:
    """An inspect answer (AgentSec): `{actionId, decision, policyRule, riskAssessment,
    approvalId, approvalUrl, message}`."""

    action_id: str
    decision: str
    level: str
    score: int
    reasons: list = field(default_factory=list)
    policy_rule: Optional[str] = None
    approval_id: Optional[str] = None
    approval_url: Optional[str] = None
    message: str = ""

    @property
    def allowed(self) -> bool:
        return self.decision == "allow"

    @property
    def blocked(self) -> bool:
        return self.decision == "block"

    @property
    def needs_approval(self) -> bool:
        return self.decision == "requires_approval"

    @classmethod
    def from_json(cls, d: dict) -> "Inspection":
        risk = d.get("riskAssessment") or {}
        return cls(
            action_id=d["actionId"],
            decision=d["decision"],
            level=risk.get("level", ""),
            score=int(risk.get("score", 0)),
            reasons=list(risk.get("reasons") or []),
            policy_rule=d.get("policyRule"),
            approval_id=d.get("approvalId"),
            approval_url=d.get("approvalUrl"),
            message=d.get("message", ""),
        )


@dataclass(frozen=True)
class ApprovalStatus:
    """`cordon actions show --json`: status is pending, approved or rejected (expired and
    cancelled approvals are rejected, with a note)."""

    approval_id: str
    action_id: str
    status: str
    risk_level: str
    decided_at: Optional[str] = None
    note: Optional[str] = None
    audit: list = field(default_factory=list)

    @classmethod
    def from_json(cls, d: dict) -> "ApprovalStatus":
        return cls(
            approval_id=d["approvalId"],
            action_id=d["actionId"],
            status=d["status"],
            risk_level=d.get("riskLevel", ""),
            decided_at=d.get("decidedAt"),
            note=d.get("decisionNote"),
            audit=list(d.get("auditSummary") or []),
        )


class _UnixConnection(http.client.HTTPConnection):
    """HTTP/1.1 over a unix socket (keep-alive: one connection is reused)."""

    def __init__(self, path: str, timeout: float):
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self):
        s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        s.connect(self._path)
        self.sock = s


class Cordon:
    """Asks cordon about agent actions.

    socket: `cordon serve`'s unix socket. When given it is used (an error if nothing answers);
    when not, `.cordon/cordon.sock` ($CORDON_HOME/cordon.sock) is used if a server answers there and no `policy` was
    given, else the CLI. policy: a policy file for the CLI (the server has its own).
    binary: the `cordon` executable (default: $CORDON_BIN, else `cordon` on PATH).
    raise_on_block: a block raises Blocked (default) instead of returning the answer.
    """

    def __init__(
        self,
        socket: Optional[str] = None,
        policy: Optional[str] = None,
        binary: Optional[str] = None,
        agent: Optional[str] = None,
        session: Optional[str] = None,
        env: Optional[str] = None,
        log_dir: Optional[str] = None,
        timeout: float = 30.0,
        raise_on_block: bool = True,
    ):
        self.policy = policy
        self.agent = agent
        self.session = session
        self.env = env
        self.log_dir = log_dir
        self.timeout = timeout
        self.raise_on_block = raise_on_block
        self.binary = binary or os.environ.get("CORDON_BIN") or shutil.which("cordon") or "cordon"
        self._conn: Optional[_UnixConnection] = None
        if socket is not None:
            self.socket: Optional[str] = socket
        elif policy is None and _answers(default_socket()):
            self.socket = default_socket()
        else:
            self.socket = None

    @property
    def transport(self) -> str:
        return "server" if self.socket else "cli"

    # -- the three questions --------------------------------------------------------------

    def check(self, command: Union[str, Sequence[str]]) -> Verdict:
        """A shell command (a string, or an argv list), judged as `cordon run` judges commands:
        the tool `shell` with the command as its argument (the server has no check route, so
        both transports ask validate, and answer alike)."""
        if not isinstance(command, str):
            command = " ".join(_shell_quote(a) for a in command)
        return self.validate("shell", {"command": command})

    def validate(self, tool_name: str, tool_args: Optional[dict] = None, **ids: str) -> Verdict:
        """A tool call (Agent Security API shape); ids: agent_id, session_id, project_id."""
        request = {"tool_name": tool_name, "tool_args": tool_args or {}}
        if self.agent and "agent_id" not in ids:
            request["agent_id"] = self.agent
        if self.session and "session_id" not in ids:
            request["session_id"] = self.session
        request.update({k: v for k, v in ids.items() if v is not None})
        v = Verdict.from_json(self._ask("validate", "/v1/validate", request))
        if v.blocked and self.raise_on_block:
            raise Blocked(v.summary(), v)
        return v

    def decide(self, tool_name: str, tool_args: Optional[dict] = None) -> Verdict:
        """validate without raising on block: what the adapters use to choose their answer."""
        return Verdict.from_json(self._ask("validate", "/v1/validate", self._with_ids(tool_name, tool_args or {})))

    def inspect(self, action: dict) -> Inspection:
        """An AgentSec action `{id, agentId, actionType, description, context, environment}`."""
        request = dict(action)
        if self.agent and "agentId" not in request:
            request["agentId"] = self.agent
        i = Inspection.from_json(self._ask("inspect", "/api/runtime/inspect", request))
        if i.blocked and self.raise_on_block:
            raise Blocked(f"cordon: {i.message} " + "; ".join(i.reasons), i)
        return i

    def action(self, approval_id: str) -> ApprovalStatus:
        """Where an approval stands (`cordon actions show ID --json`)."""
        if self.socket:
            status, body = self._http("GET", f"/api/runtime/actions/{approval_id}", None)
            if status != 200:
                raise CordonError(_error_text(body, status))
            return ApprovalStatus.from_json(json.loads(body))
        out = self._cli(["actions", "show", approval_id, "--json"], None, ok=(0,))
        return ApprovalStatus.from_json(json.loads(out))

    def wait_for_approval(self, approval_id: str, timeout: float = 300.0, poll: float = 0.5) -> ApprovalStatus:
        """Waits until a person decides. Approved: returns the status. Rejected (or expired):
        raises Blocked. Not decided within `timeout` seconds: raises ApprovalTimeout."""
        stop = time.monotonic() + timeout
        while True:
            s = self.action(approval_id)
            if s.status == "approved":
                return s
            if s.status == "rejected":
                raise Blocked(f"cordon: approval {approval_id} rejected" + (f": {s.note}" if s.note else ""), s)
            if time.monotonic() >= stop:
                raise ApprovalTimeout(f"cordon: approval {approval_id} not decided within {timeout:g} s", approval_id, s)
            time.sleep(min(poll, max(0.0, stop - time.monotonic())))

    def allow_or_wait(self, verdict: Verdict, wait: Optional[float]) -> Verdict:
        """For a requires_approval verdict: wait up to `wait` seconds for a person (None: do not
        wait, raise ApprovalRequired)."""
        if not verdict.needs_approval:
            return verdict
        if wait is None:
            raise ApprovalRequired(
                verdict.summary() + f"; approval {verdict.approval_id} is queued", verdict.approval_id, verdict
            )
        self.wait_for_approval(verdict.approval_id or "", timeout=wait)
        return verdict

    # -- the generic decorator -----------------------------------------------------------

    def guard(self, fn: Optional[Callable] = None, *, tool_name: Optional[str] = None, wait: Optional[float] = None):
        """`@cordon.guard` (or `@cordon.guard(tool_name=..., wait=SECONDS)`): every call of the
        function is validated first, as the tool `tool_name` (default: the function's name)
        with its arguments by name. A block raises Blocked; requires_approval waits `wait`
        seconds for a person, or raises ApprovalRequired when `wait` is None."""

        def wrap(f: Callable) -> Callable:
            name = tool_name or f.__name__
            sig = _inspect.signature(f)

            def arguments(args, kwargs) -> dict:
                try:
                    bound = sig.bind(*args, **kwargs)
                    bound.apply_defaults()
                    return {k: _jsonable(v) for k, v in bound.arguments.items()}
                except TypeError:
                    return {"args": [_jsonable(a) for a in args], **{k: _jsonable(v) for k, v in kwargs.items()}}

            if _inspect.iscoroutinefunction(f):

                @functools.wraps(f)
                async def async_guarded(*args, **kwargs):
                    self.allow_or_wait(self._validate_strict(name, arguments(args, kwargs)), wait)
                    return await f(*args, **kwargs)

                return async_guarded

            @functools.wraps(f)
            def guarded(*args, **kwargs):
                self.allow_or_wait(self._validate_strict(name, arguments(args, kwargs)), wait)
                return f(*args, **kwargs)

            return guarded

        return wrap(fn) if fn is not None else wrap

    def _validate_strict(self, tool_name: str, tool_args: dict) -> Verdict:
        v = self.decide(tool_name, tool_args)
        if v.blocked:
            raise Blocked(v.summary(), v)
        return v

    def _with_ids(self, tool_name: str, tool_args: dict) -> dict:
        r = {"tool_name": tool_name, "tool_args": tool_args}
        if self.agent:
            r["agent_id"] = self.agent
        if self.session:
            r["session_id"] = self.session
        return r

    # -- transports ---------------------------------------------------------------------

    def _ask(self, command: str, route: str, request: dict) -> dict:
        body = json.dumps(request).encode()
        if self.socket:
            status, out = self._http("POST", route, body)
            if status != 200:
                raise CordonError(_error_text(out, status))
            return json.loads(out)
        return json.loads(self._cli([command], body, ok=(0, 75, 77)))

    def _http(self, method: str, route: str, body: Optional[bytes]):
        for attempt in (0, 1):
            if self._conn is None:
                self._conn = _UnixConnection(self.socket or "", self.timeout)
            try:
                headers = {"Content-Type": "application/json"} if body is not None else {}
                self._conn.request(method, route, body=body, headers=headers)
                r = self._conn.getresponse()
                return r.status, r.read()
            except (ConnectionError, http.client.HTTPException, OSError) as e:
                # A keep-alive connection the server closed (idle timeout): reconnect once.
                self._conn.close()
                self._conn = None
                if attempt == 1:
                    raise CordonError(f"cordon serve at {self.socket}: {e}") from e
        raise AssertionError("unreachable")

    def _cli(self, args: list, stdin: Optional[bytes], ok: Sequence[int]) -> bytes:
        argv = [self.binary] + args
        if self.policy and args[0] in ("inspect", "validate"):
            argv += ["--policy", self.policy]
        if self.env and args[0] in ("inspect", "validate"):
            argv += ["--env", self.env]
        if self.log_dir:
            argv += ["--log-dir", self.log_dir]
        try:
            p = subprocess.run(argv, input=stdin or b"", capture_output=True, timeout=self.timeout)
        except FileNotFoundError as e:
            raise CordonError(
                f"cordon is not installed: {self.binary} not found (set CORDON_BIN or pass binary=)"
            ) from e
        if p.returncode not in ok:
            raise CordonError(f"{' '.join(argv)}: exit {p.returncode}: {p.stderr.decode(errors='replace').strip()}")
        return p.stdout

    def close(self):
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _answers(path: str) -> bool:
    if not os.path.exists(path):
        return False
    s = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
    try:
        s.settimeout(1.0)
        s.connect(path)
        return True
    except OSError:
        return False
    finally:
        s.close()


def _error_text(body: bytes, status: int) -> str:
    try:
        d = json.loads(body)
        text = d.get("error", "")
        if d.get("hint"):
            text += f" (hint: {d['hint']})"
        return f"cordon serve: HTTP {status}: {text}"
    except (ValueError, AttributeError):
        return f"cordon serve: HTTP {status}"


def _jsonable(v: Any) -> Any:
    try:
        json.dumps(v)
        return v
    except (TypeError, ValueError):
        return repr(v)


def _shell_quote(s: str) -> str:
    import shlex

    return shlex.quote(s)
