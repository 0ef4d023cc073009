#!/bin/sh
# Cost of one monitored connect under `network: allow-list` (BENCHMARKS.md, issue 11 B.5):
# µs per `socket(); connect(127.0.0.1:PORT); close()` of a Python loop, run inside
# `cordon run` with each binary given, and bare, interleaved for ROUNDS rounds.
# usage: bench/connect-cost.sh ROUNDS CORDON [CORDON...]
set -eu
rounds=$1
shift
# The binaries as absolute paths: the loop runs from a scratch directory.
bins=""
for c in "$@"; do
    case $c in /*) bins="$bins $c" ;; *) bins="$bins $(pwd)/$c" ;; esac
done
dir=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$dir"' EXIT
port=47012
cat > "$dir/server.py" <<PY
import socket
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", $port))
s.listen(4096)
while True:
    c, _ = s.accept()
    c.close()
PY
cat > "$dir/loop.py" <<PY
import socket, sys, time
n = int(sys.argv[1])
t = time.perf_counter()
for _ in range(n):
    s = socket.socket()
    s.connect(("127.0.0.1", $port))
    s.close()
print("%.1f" % ((time.perf_counter() - t) / n * 1e6))
PY
printf 'extends: default\nsandbox:\n  network: allow-list\n  network_allow: ["127.0.0.1:%s"]\n' $port > "$dir/al.yaml"
python3 "$dir/server.py" &
server=$!
sleep 0.5
cd "$dir"
i=0
while [ $i -lt "$rounds" ]; do
    line=""
    for c in $bins; do
        us=$("$c" run --approval deny --workspace "$dir" --policy "$dir/al.yaml" -- python3 loop.py 1000 2>/dev/null | tr -d "\r") || us=failed
        line="$line $c=${us:-failed}"
    done
    echo "round $i:$line bare=$(python3 loop.py 1000)"
    i=$((i + 1))
done
