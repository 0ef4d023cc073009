#!/bin/sh
# usage: sh bench/exec-latency.sh ROUNDS N CORDON...: each exec timed on its own, inside each sandbox
# (issue 19). A Python loop inside the sandbox starts `/bin/true` N times (posix_spawn, then
# waitpid) and times every start-to-exit with a monotonic clock; per run it reports the median
# and the 10th percentile. Rounds alternate cordon binaries and bwrap, and the table gives the
# median over rounds of those per-run figures. Timing each exec separately keeps a load burst
# from another process out of all but the execs it overlapped, and the sandbox's start-up out of
# the figure altogether (cordon-bench monitor's "over bwrap" divides the whole run's difference
# by the exec count).
R=$1; N=$2; shift 2
exec python3 - "$R" "$N" "$@" <<'EOF'
import os, subprocess, sys, tempfile, statistics as st
rounds, n, binaries = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
# The loop runs from a file in a directory of its own (the sandbox's workspace): the gate asks
# for approval of inline `python3 -c` code.
work = tempfile.mkdtemp(prefix="cordon-exec-latency-")
with open(os.path.join(work, "execloop.py"), "w") as f:
    f.write(f"""import os, time
t = []
for i in range({n}):
    s = time.perf_counter_ns()
    p = os.posix_spawn('/bin/true', ['/bin/true'], {{}})
    os.waitpid(p, 0)
    t.append(time.perf_counter_ns() - s)
t.sort()
print(t[len(t) // 2] / 1e3, t[len(t) // 10] / 1e3)
""")
bwrap = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
         "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
         "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--ro-bind", work, work, "--chdir", work]
cases = {b: [b, "run", "--log-dir", "/tmp/cordon-bench-log", "--"] for b in binaries}
cases["bwrap"] = bwrap
res = {c: [] for c in cases}
for r in range(rounds):
    order = list(cases) if r % 2 == 0 else list(reversed(cases))
    for c in order:
        out = subprocess.run(cases[c] + ["/usr/bin/python3", "execloop.py"], cwd=work, capture_output=True, text=True, check=True, timeout=120)
        res[c].append(tuple(float(x) for x in out.stdout.split()))
b = st.median(m for m, _ in res["bwrap"])
for c, v in res.items():
    med, p10 = st.median(m for m, _ in v), st.median(p for _, p in v)
    extra = "" if c == "bwrap" else f"  over bwrap {med - b:+7.1f} us"
    print(f"{c:32} per exec: median {med:7.1f} us  p10 {p10:7.1f} us  (runs {min(m for m, _ in v):.1f}-{max(m for m, _ in v):.1f}){extra}")
EOF
