#!/usr/bin/env python3
# Served runs of two or more cordon builds against bubblewrap, alternated in one process so
# load drift hits each alike: python3 bench/served-ab.py ROUNDS GAP_MS CORDON... (each CORDON a
# static release build). Every build gets its own `cordon serve --warm 2` and log directory;
# each round times one `cordon run -- /bin/true` per build and one bwrap run with comparable
# isolation (the same argv as `cordon-bench startup`), the order rotating every round, GAP_MS
# apart (an agent's pause between tool calls: the server prepares the next sandbox then).
# Prints each case's median and first quartile, and the ratio of medians to bwrap's.
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

rounds, gap, builds = int(sys.argv[1]), float(sys.argv[2]) / 1000, sys.argv[3:]
os.chdir(tempfile.mkdtemp())
servers, dirs = [], []
for b in builds:
    d = tempfile.mkdtemp()
    dirs.append(d)
    servers.append(subprocess.Popen([b, "serve", "--log-dir", d, "--warm", "2"], stdin=subprocess.DEVNULL,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
time.sleep(1.5)
bwrap = ["bwrap", "--unshare-all", "--die-with-parent", "--new-session", "--ro-bind", "/usr", "/usr",
         "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib", "--symlink", "usr/lib64", "/lib64",
         "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "/bin/true"]
cases = [(f"served {b}", [b, "run", "--log-dir", d, "--", "/bin/true"]) for b, d in zip(builds, dirs)]
cases.append(("bwrap", bwrap))
times = {name: [] for name, _ in cases}
for r in range(rounds):
    for name, argv in cases[r % len(cases):] + cases[:r % len(cases)]:
        t = time.monotonic()
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name].append((time.monotonic() - t) * 1000)
        if p.returncode != 0:
            print("failed:", name, p.returncode)
        time.sleep(gap)
for s in servers:
    s.send_signal(signal.SIGTERM)
    s.wait()
base = statistics.median(times["bwrap"])
for name, v in times.items():
    print(f"{name:40s} median {statistics.median(v):7.2f} ms  p25 {statistics.quantiles(v, n=4)[0]:7.2f}"
          f"  / bwrap {statistics.median(v) / base:5.2f}")
print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
