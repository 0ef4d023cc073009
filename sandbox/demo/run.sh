#!/bin/sh
# The README's first command: install what a fresh Debian/Ubuntu machine lacks, build cordon
# (release, static Swift stdlib), and run the demo agent inside the sandbox with the embedded
# default policy. Exit 0 only when every step of the demo behaved as expected: each of its seven
# checks got the answer it expects (no UNEXPECTED line) and it ended killed at its timeout (124).
set -eu
cd "$(dirname "$0")/../.."
need="libseccomp-dev libyaml-dev libsqlite3-dev libssl-dev libevent-dev pkg-config"
missing=""
for p in $need; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  if [ "$(id -u)" -eq 0 ]; then apt-get update -qq && apt-get install -y -qq $missing
  else sudo apt-get update -qq && sudo apt-get install -y -qq $missing; fi
fi
swift build -c release -Xswiftc -static-executable --product cordon
bin=.build/release/cordon
echo
"$bin" doctor || true
echo
echo "\$ cordon run --timeout 3 --approval deny -- sh sandbox/demo/agent.sh"
out=$(mktemp)
trap 'rm -f "$out"' EXIT
set +e
CORDON_DEMO_HOME="$HOME" "$bin" run --timeout 3 --approval deny --env-pass CORDON_DEMO_HOME -- sh sandbox/demo/agent.sh >"$out" 2>&1
code=$?
set -e
cat "$out"
echo "cordon exited with $code"
fail=""
[ "$code" -eq 124 ] || fail="$fail; expected exit 124 (killed at the timeout), got $code"
grep -q '^demo agent: ' "$out" || fail="$fail; the agent never started"
# Each check prints its label, then ok or refused in columns 42-49 (see agent.sh).
steps=$(grep -c '^[a-z].\{40\}\(ok \|refused\)' "$out" || true)
[ "$steps" -eq 7 ] || fail="$fail; expected 7 checks, saw $steps"
if grep -q 'UNEXPECTED' "$out"; then fail="$fail; a step did not behave as expected (marked UNEXPECTED above)"; fi
if [ -n "$fail" ]; then
  echo "demo: FAILED${fail}" >&2
  exit 1
fi
echo "demo: every step behaved as expected"
