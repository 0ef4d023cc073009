#!/bin/sh
# Time from `cordon approvals approve ID` starting to the held exec continuing inside the
# sandbox (issue 18's goal: under 50 ms, median). Each round: a run whose script execs
# `touch` (which the policy sends for approval) is held in execve; the clock starts just before
# the approve command (so its own start-up counts) and stops when the script's next command
# runs. Prints each round in ms, then the median.
#   sh bench/approval-latency.sh [CORDON_BINARY] [ROUNDS]
set -eu
bin=$(cd "$(dirname "${1:-.build/release/cordon}")" && pwd)/$(basename "${1:-.build/release/cordon}")
rounds=${2:-20}
ws=$(mktemp -d)
key="$ws.key"
trap 'rm -rf "$ws" "$key"' EXIT
cd "$ws"
printf 'extends: default\ngate:\n  commands:\n    require_approval: [touch]\n' > p.yaml
printf 'touch held\ndate +%%s%%N > after\n' > s.sh
[ "$(id -u)" -eq 0 ] && chown -R 65534:65534 "$ws"
"$bin" approvals key --output "$key" >/dev/null 2>&1
i=0
while [ "$i" -lt "$rounds" ]; do
  i=$((i + 1))
  rm -f after held
  "$bin" run --policy p.yaml --approval queue -- sh ./s.sh >/dev/null 2>&1 &
  id=""
  while [ -z "$id" ]; do
    sleep 0.02
    id=$("$bin" approvals list --json 2>/dev/null | sed -n 's/.*"id":"\([^"]*\)".*/\1/p' | head -1)
  done
  before=$(date +%s%N)
  "$bin" approvals approve "$id" --key "$key" >/dev/null
  wait
  after=$(cat after)
  echo $(( (after - before) / 1000 ))
done | sort -n | awk '{ v[NR] = $1; printf "round: %.1f ms\n", $1 / 1000 } END { printf "median: %.1f ms over %d rounds\n", v[int((NR + 1) / 2)] / 1000, NR }'
