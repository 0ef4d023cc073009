#!/usr/bin/env python3
"""`cordon scan` beside bandit on real agent code: pinned releases of LangChain, LangChain
Experimental/Community, LlamaIndex, AutoGen, CrewAI tools, MCP reference servers, Open
Interpreter and gpt-engineer, vulnerable versions next to their fixed ones.

usage: bench/scan-corpus.py CORDON [--cache DIR] [--mirrors DIR] [--part tune|held-out-1|...|held-out-19|all]

No third-party source is kept in this repository. bench/scan-corpus/MANIFEST.jsonl names each
source archive (pip requirement, sha256) and the files taken from it; LABELS.jsonl holds the
labels (file, vulnerable lines with a one-line reason each; a clean file has no lines) and the
part each file belongs to, every file labelled before the scanner ran on it: `tune` (the first
round of rule changes was checked against it), `held-out-1` (untouched in the first round,
then the material of the second), `held-out-2` (untouched in the second, the material of the
third), `held-out-3` (never used to change a rule), and from issue 16's ninth session `tune-2` (newer
agent packages, the material of that session's rule changes) and `held-out-4` (other packages,
labelled before any scan, never used to change a rule), and `held-out-5` (labelled after that
session's last rule change, scanned once); from the tenth session `held-out-6` and `held-out-7`
(packages new to the corpus, labels committed before their one untouched scan); from the
eleventh session `held-out-8` (agentscope, gptme, qwen-agent, autogpt-forge, lagent: labels
committed before its one untouched scan, then tuned on) and `held-out-9` (LlamaIndex tool
packages and agency-swarm 0.2.0: labelled after the session's rule changes, scanned once);
from the twelfth session `held-out-10` (MCP servers: mcp-server-shell, mcp-server-kubernetes,
terminal-controller, mcp-python-interpreter, cli-mcp-server; praisonaiagents 0.0.60's tools:
labels committed before its one untouched scan); from the thirteenth session `held-out-11`
(strands-agents-tools 0.1.0, google-adk 0.1.0, wcgw 2.0.0, mcp-text-editor 1.0.2,
llm-tools-sqlite/quickjs 0.1, mysql-mcp-server 0.2.0, mcp-server-fetch-python 0.1.1: labels
committed before its one untouched scan), and `held-out-12` (markitdown-mcp 0.0.1a3, mcp-pandoc
0.3.0, mcp-alchemy, code-sandbox-mcp 0.1.0, excel-mcp-server 0.1.3: labelled after the
session's rule changes, committed, scanned once); from the thirteenth session's second round
`held-out-13` (filesystem-mcp 1.0.2, mcp-run-python-code 0.0.2, mcp-server-calculator 0.2.1,
mcp-server-duckdb 1.1.0, mcp-ssh-wrapper 0.1.1: labels committed before its one untouched scan);
from the fourteenth session `held-out-14` (shell-gpt 1.5.1, kubectl-mcp-tool 1.1.0, mcp-neo4j-cypher
0.6.0, mssql-mcp-server 1.0.0, mcp-snowflake-server 0.4.0, llm-tools-datasette/simpleeval 0.1.1,
mcp-server-ds 0.1.5, blender-mcp 1.1.2, mcp-server-aidd 0.1.23: labels committed before its one
untouched scan); from the fourteenth session's second round `held-out-15` (llm-tools-docker 0.1a0,
llm-tools-execute-shell 0.1.2, llm-tools-edit 0.1a0, llm-tools-patch 0.3, llm-tools-todo 0.3,
mcp-python 0.1.4, python-mcp 1.0.1, shell-mcp-server 0.1.0: labels committed before its one
untouched scan); from the fifteenth session `held-out-16` (langgraph-codeact 0.1.3,
mcp-agentic-terminal 0.1.3, mcp-article-fetch 0.1.8, mcp-database-reader 0.1.0, mcp-db-navigator
0.0.4, mcp-deploy-server 0.3.0, mcp-fetch-server 0.1.9, mcp-filesystem-extra 0.0.2,
mcp-git-explorer 0.3.0, mcp-python-exec 0.1.1, mcp-mysql-connector 0.1.1: labels committed before
its one untouched scan); from the fifteenth session's second round `held-out-17` (mcp-chronoshell
0.1.3, mcp-filesysutils-server 0.1.6, mcp-postgres-server 0.1.2, mcp-python-repl 0.1.1,
mcp-sqlite-tool 0.1.2, mcp-server-file-finder 0.2.2, mcp-db-filesystem 1.1.4, mcp-ssh-server
0.1.4: labels committed before its one untouched scan); from the sixteenth session `held-out-18`
and `held-out-19`, taken from GitHub repositories at pinned commits, Python and JS/TS
(held-out-18: mcp-server-commands, DesktopCommanderMCP, SuperAGI; held-out-19: agent-zero,
TaskWeaver, anything-llm's agent plugins, mcp-server-kubernetes before and after its
execSync fix), labels committed before either was scanned; held-out-19 is never used to change
a rule.
The archives are
fetched with `pip download --no-deps --no-binary :all:` into the cache (default
~/.cache/cordon-scan-corpus), checked against their sha256, and the listed files extracted to
CACHE/corpus/PART/. A manifest line with "repo" and "commit" instead of an archive names files
of a GitHub repository at that commit, each with its sha256: they are read with `git show` from
a bare copy, MIRRORS/owner+name/repo when it exists (--mirrors, default /work/.mirror), else
one cloned into CACHE/git/ (needs network). Both tools then scan each part; bandit needs
`pip install bandit` and reads only the .py files, so it finds nothing in a JS/TS file.
"""
import argparse
import hashlib
import importlib.util
import json
import os
import subprocess
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "scan-corpus")
PARTS = ["tune", "held-out-1", "held-out-2", "held-out-3", "tune-2", "held-out-4", "held-out-5", "held-out-6", "held-out-7", "held-out-8", "held-out-9", "held-out-10", "held-out-11", "held-out-12", "held-out-13", "held-out-14", "held-out-15", "held-out-16", "held-out-17", "held-out-18", "held-out-19"]


def load_compare():
    spec = importlib.util.spec_from_file_location("scan_vs_bandit", os.path.join(HERE, "scan-vs-bandit.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def fetch(entry, dl):
    path = os.path.join(dl, entry["archive"])
    if not os.path.exists(path):
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", entry["requirement"], "-d", dl]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0 or not os.path.exists(path):
            sys.exit(f"scan-corpus: downloading {entry['requirement']} failed: {r.stderr.strip()[-400:]}")
    got = sha256(path)
    if got != entry["sha256"]:
        sys.exit(f"scan-corpus: {entry['archive']} has sha256 {got}, the manifest pins {entry['sha256']}; delete it and retry")
    return path


def git_dir(entry, cache, mirrors):
    name = entry["repo"].replace("/", "+")
    local = os.path.join(mirrors, name, "repo")
    if os.path.isdir(local):
        return local
    clone = os.path.join(cache, "git", name)
    if not os.path.isdir(clone):
        url = "https://github.com/" + entry["repo"] + ".git"
        r = subprocess.run(["git", "clone", "--bare", "--quiet", url, clone], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"scan-corpus: cloning {url} failed: {r.stderr.strip()[-400:]}")
    return clone


def build_git(entry, cache, mirrors, part_of):
    gd = None
    for rel, want in entry["files"].items():
        name = entry["root"] + "/" + rel
        dest = os.path.join(cache, "corpus", part_of[name], name)
        if os.path.exists(dest):
            continue
        gd = gd or git_dir(entry, cache, mirrors)
        r = subprocess.run(["git", "--git-dir", gd, "show", entry["commit"] + ":" + rel], capture_output=True)
        if r.returncode != 0:
            sys.exit(f"scan-corpus: {rel} at {entry['commit']} is not in {gd}: {r.stderr.decode()[-300:]}")
        got = hashlib.sha256(r.stdout).hexdigest()
        if got != want:
            sys.exit(f"scan-corpus: {name} has sha256 {got}, the manifest pins {want}")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "wb") as out:
            out.write(r.stdout)


def build(cache, labels, mirrors):
    dl = os.path.join(cache, "dl")
    os.makedirs(dl, exist_ok=True)
    part_of = {d["file"]: d["part"] for d in labels}
    for line in open(os.path.join(DATA, "MANIFEST.jsonl")):
        entry = json.loads(line)
        if "repo" in entry:
            build_git(entry, cache, mirrors, part_of)
            continue
        archive = fetch(entry, dl)
        with tarfile.open(archive) as tar:
            for rel in entry["files"]:
                name = entry["root"] + "/" + rel
                dest = os.path.join(cache, "corpus", part_of[name], name)
                if os.path.exists(dest):
                    continue
                member = tar.extractfile(name)
                if member is None:
                    sys.exit(f"scan-corpus: {name} is not a file in {entry['archive']}")
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                with open(dest, "wb") as out:
                    out.write(member.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("cordon")
    ap.add_argument("--cache", default=os.path.expanduser("~/.cache/cordon-scan-corpus"))
    ap.add_argument("--part", choices=PARTS + ["all"], default="all")
    ap.add_argument("--mirrors", default="/work/.mirror")
    a = ap.parse_args()
    labels = [json.loads(l) for l in open(os.path.join(DATA, "LABELS.jsonl")) if l.strip()]
    build(a.cache, labels, a.mirrors)
    cmp = load_compare()
    cordon = os.path.abspath(a.cordon)
    parts = PARTS if a.part == "all" else [a.part]
    for part in parts:
        root = os.path.join(a.cache, "corpus", part)
        lab = {d["file"]: set(d["lines"]) for d in labels if d["part"] == part}
        vuln = sum(1 for v in lab.values() if v)
        lines = sum(len(v) for v in lab.values())
        print(f"\n{part}: {len(lab)} files ({vuln} vulnerable with {lines} labelled lines, {len(lab) - vuln} clean) in {root}\n")
        print(cmp.HEADER)
        cmp.score("cordon scan", lab, cmp.cordon(cordon, root))
        cmp.score("bandit (all severities)", lab, cmp.bandit(root, "LOW"))
        cmp.score("bandit (MEDIUM and HIGH)", lab, cmp.bandit(root, "MEDIUM"))


if __name__ == "__main__":
    main()
