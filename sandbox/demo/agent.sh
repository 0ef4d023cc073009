#!/bin/sh
# A tiny stand-in for an AI agent's tool calls, run by `cordon run` inside the sandbox with the
# embedded default policy. Each step tries one thing and prints what happened, so a newcomer
# sees the boundary: what the command could do, and what the kernel refused.
# Usage: cordon run --timeout 3 -- sh sandbox/demo/agent.sh

step() { printf '%-44s' "$1"; }
ok() { echo "yes  $1"; }
no() { echo "no   $1"; }

echo "demo agent: running as uid $(id -u) on host '$(hostname)' in $(pwd)"

step "read the workspace (README.md)"
if head -n 1 README.md >/dev/null 2>&1; then ok "$(head -c 40 README.md | head -n 1)"; else no "could not read it"; fi

step "write to /tmp"
if echo scratch > /tmp/demo.txt 2>/dev/null; then ok "/tmp is a private tmpfs"; else no "refused"; fi

step "read ~/.ssh of the user who ran cordon"
if [ -n "${CORDON_DEMO_HOME:-}" ] && ls "$CORDON_DEMO_HOME/.ssh" >/dev/null 2>&1 && [ -n "$(ls -A "$CORDON_DEMO_HOME/.ssh" 2>/dev/null)" ]; then
  no "GOT IN (this is a bug)"
else
  ok "not visible (home is not mounted; ~/.ssh is hidden where it would be)"
fi

step "read /etc/shadow"
if cat /etc/shadow >/dev/null 2>&1; then no "GOT IN (this is a bug)"; else ok "permission denied (not root in here)"; fi

step "reach the network (TCP to 1.1.1.1:53)"
if command -v timeout >/dev/null && timeout 2 sh -c 'exec 3<>/dev/tcp/1.1.1.1/53' 2>/dev/null; then no "CONNECTED (this is a bug)"
elif command -v bash >/dev/null && bash -c 'exec 3<>/dev/tcp/1.1.1.1/53' 2>/dev/null; then no "CONNECTED (this is a bug)"
else ok "no route: the network namespace has only loopback"; fi

step "write to /usr"
if touch /usr/demo-was-here 2>/dev/null; then no "WROTE IT (this is a bug)"; else ok "read-only file system"; fi

step "mount a filesystem"
if mount -t tmpfs none /tmp 2>/dev/null; then no "MOUNTED (this is a bug)"; else ok "operation not permitted (seccomp)"; fi

step "run past the timeout"
echo "sleeping 60s; cordon kills the whole tree at its timeout (exit 124)"
sleep 60
echo "still alive: the timeout did not fire (this is a bug)"
