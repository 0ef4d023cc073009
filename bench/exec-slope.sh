#!/bin/sh
# usage: sh bench/exec-slope.sh ROUNDS N CORDON...: the cost of one exec inside each sandbox, without
# the sandbox's start-up (issue 19). Each round runs, per cordon binary and for bwrap, the loop
# `for i in $(seq K); do /bin/true; done` with K = 0 and K = N, in alternation; the cost per exec is
# (median at N - median at 0) / N. cordon-bench monitor's "over bwrap" figure divides the whole
# difference by the exec count, so cordon's larger start-up counts as per-exec cost there.
# Prints per sandbox: median ms at 0 and N, us per exec, and us per exec over bwrap.
R=$1; N=$2; shift 2
exec python3 - "$R" "$N" "$@" <<'EOF'
import subprocess, sys, time, statistics as st
rounds, n, binaries = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
bwrap = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
         "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
         "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
def loop(k): return ["/bin/sh", "-c", f"for i in $(seq {k}); do /bin/true; done"]
cases = {b: (lambda k, b=b: [b, "run", "--log-dir", "/tmp/cordon-bench-log", "--"] + loop(k)) for b in binaries}
cases["bwrap"] = lambda k: bwrap + loop(k)
t = {(c, k): [] for c in cases for k in (0, n)}
for r in range(rounds):
    for k in ((0, n) if r % 2 == 0 else (n, 0)):
        for c, argv in cases.items():
            s = time.perf_counter()
            subprocess.run(argv(k), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            t[(c, k)].append(time.perf_counter() - s)
med = {c: (st.median(t[(c, 0)]) * 1e3, st.median(t[(c, n)]) * 1e3) for c in cases}
slope = {c: (m - z) / n * 1e3 for c, (z, m) in med.items()}
for c, (z, m) in med.items():
    print(f"{c:32} K=0 {z:8.1f} ms  K={n} {m:8.1f} ms  per exec {slope[c]:7.1f} us", end="")
    print("" if c == "bwrap" else f"  over bwrap {slope[c] - slope['bwrap']:+7.1f} us")
EOF
