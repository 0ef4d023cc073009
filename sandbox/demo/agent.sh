#!/bin/sh
# A tiny stand-in for an AI agent's tool calls, run by `cordon run` inside the sandbox with the
# embedded default policy. Each step tries one thing and prints what really happened (the
# error text it got), so a newcomer sees the layers: the monitor refusing a command through
# the gate ("Operation not permitted" from exec), or the kernel refusing the action itself.
# Usage: cordon run --timeout 3 -- sh sandbox/demo/agent.sh

check() {  # check LABEL EXPECTED(ok|refused) CMD...
  label=$1; want=$2; shift 2
  if out=$("$@" 2>&1); then got=ok; else got=refused; fi
  msg=$(printf '%s' "$out" | head -n 1 | cut -c1-60)
  [ "$got" = "$want" ] && mark="" || mark="   <-- UNEXPECTED"
  printf '%-40s %-8s %s%s\n' "$label" "$got" "$msg" "$mark"
}

echo "demo agent: uid $(id -u), host '$(hostname)', in $(pwd)"
check "read the workspace (README.md)"        ok      head -n 1 README.md
check "write /tmp"                            ok      sh -c 'echo scratch > /tmp/demo.txt && echo "wrote /tmp/demo.txt"'
check "list ~/.ssh of the invoking user"      refused ls "${CORDON_DEMO_HOME:-/root}/.ssh"
check "read /etc/shadow"                      refused cat /etc/shadow
check "reach the network (1.1.1.1:53)"        refused bash -c 'exec 3<>/dev/tcp/1.1.1.1/53'
check "write to /usr"                         refused touch /usr/demo-was-here
check "mount a filesystem"                    refused mount -t tmpfs none /tmp
echo "run past the timeout: sleeping 60s; cordon kills the whole tree at its timeout (exit 124)"
sleep 60
echo "still alive: the timeout did not fire   <-- UNEXPECTED"
