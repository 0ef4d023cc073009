#!/usr/bin/env python3
"""Generates a tree of N small agent files for `cordon-bench scan`: the scanner's fixtures
(Python, JavaScript/TypeScript, shell, MCP configs, Dockerfiles, compose files, policies),
copied round-robin into DIR/pkgNNN/ folders of 100 files each.

usage: bench/scan-tree.py N DIR      e.g. bench/scan-tree.py 10000 /tmp/scan-10k
"""
import os
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "Tests", "CordonScanTests", "Fixtures")


def sources():
    out = []
    for root, _, files in os.walk(FIXTURES):
        for f in sorted(files):
            if f.endswith(".expect") or f.endswith(".bin"):
                continue
            out.append(os.path.join(root, f))
    return sorted(out)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    n, dest = int(sys.argv[1]), sys.argv[2]
    if os.path.exists(dest):
        sys.exit(f"scan-tree: {dest} exists; remove it or pick another directory")
    src = sources()
    total = 0
    for i in range(n):
        s = src[i % len(src)]
        d = os.path.join(dest, f"pkg{i // 100:03d}")
        os.makedirs(d, exist_ok=True)
        name = os.path.basename(s)
        # Names the scanner recognises by themselves (mcp.json, Dockerfile, .env) go into a
        # folder of their own so each copy keeps its name.
        if "." not in name.strip(".") or name.endswith(".json") or name.startswith(".env") or "compose" in name:
            d = os.path.join(d, f"f{i}")
            os.makedirs(d, exist_ok=True)
        else:
            base, ext = os.path.splitext(name)
            name = f"{base}_{i}{ext}"
        shutil.copyfile(s, os.path.join(d, name))
        total += os.path.getsize(s)
    print(f"{n} files, {total / 1e6:.1f} MB in {dest}")


if __name__ == "__main__":
    main()
