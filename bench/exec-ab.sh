#!/bin/sh
# usage: sh bench/exec-ab.sh ROUNDS CORDON...: interleaved runs of the 300-exec loop (issue 19)
# under each cordon binary and under bwrap, once per round; prints the median and minimum ms.
R=$1; shift
for r in $(seq $R); do
  for b in "$@"; do
    s=$(date +%s%N)
    $b run --log-dir /tmp/cordon-bench-log -- sh -c 'for i in $(seq 300); do /bin/true; done' >/dev/null 2>&1
    e=$(date +%s%N)
    echo "$b $(( (e-s)/1000 ))"
  done
  s=$(date +%s%N)
  bwrap --unshare-all --die-with-parent --new-session --ro-bind /usr /usr --symlink usr/bin /bin --symlink usr/lib /lib --symlink usr/lib64 /lib64 --proc /proc --dev /dev --tmpfs /tmp /bin/sh -c 'for i in $(seq 300); do /bin/true; done'
  e=$(date +%s%N)
  echo "bwrap $(( (e-s)/1000 ))"
done | python3 -c "
import sys,statistics as s,collections as c
d=c.defaultdict(list)
for l in sys.stdin:
  k,v=l.split(); d[k].append(int(v)/1000)
for k,v in d.items(): print(f\"{k:28} median {s.median(v):8.1f} ms  min {min(v):8.1f}  n={len(v)}\")
"
