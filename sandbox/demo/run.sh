#!/bin/sh
# The README's first command: install what a fresh Debian/Ubuntu machine lacks, build cordon
# (release, static Swift stdlib), and run the demo agent inside the sandbox with the embedded
# default policy. Exit 0 when the demo behaved as expected (it ends killed at its timeout).
set -eu
cd "$(dirname "$0")/../.."
need="libseccomp-dev libyaml-dev libsqlite3-dev libssl-dev pkg-config"
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
echo "\$ cordon run --timeout 3 -- sh sandbox/demo/agent.sh"
set +e
CORDON_DEMO_HOME="$HOME" "$bin" run --timeout 3 --env-pass CORDON_DEMO_HOME -- sh sandbox/demo/agent.sh
code=$?
set -e
echo "cordon exited with $code"
[ "$code" -eq 124 ] || { echo "demo: expected exit 124 (killed at the timeout)" >&2; exit 1; }
