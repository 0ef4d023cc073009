#!/usr/bin/env python3
"""Detection figures of `cordon scan` beside bandit on the same labelled Python files.

usage: bench/scan-vs-bandit.py CORDON CORPUS_DIR [LABELS.jsonl]

LABELS.jsonl has one line per file: {"file": "rel/path.py", "lines": [19, 26]} (empty lines:
a clean file). Without it, labels are read from `expect: RULE` marks in the files' comments
(the fixture convention of Tests/CordonScanTests/Fixtures). Only .py files are compared
(bandit reads Python only). Printed per tool: vulnerable files found (any finding), vulnerable
files found at a labelled line (+-2), labelled lines found (+-2), findings in vulnerable files
that are at a labelled line (+-2), clean files flagged. bench/scan-corpus.py builds a corpus of
real agent code from pinned PyPI archives and calls this for each part.
"""
import json
import os
import re
import subprocess
import sys


def labels(corpus, path):
    out = {}
    if path:
        for line in open(path):
            if line.strip():
                d = json.loads(line)
                out[d["file"]] = set(d["lines"])
        return out
    for root, _, files in os.walk(corpus):
        for f in files:
            if f.endswith(".py"):
                rel = os.path.relpath(os.path.join(root, f), corpus)
                marks = set()
                for i, text in enumerate(open(os.path.join(root, f), encoding="utf-8"), 1):
                    if re.search(r"#.*expect: ", text):
                        marks.add(i)
                out[rel] = marks
    return out


def cordon(binary, corpus):
    r = subprocess.run([binary, "scan", ".", "-r", "--json"], cwd=corpus, capture_output=True, text=True)
    found = {}
    for f in json.loads(r.stdout)["findings"]:
        if f["suppressed"] is None:
            found.setdefault(f["file"], set()).add(f["line"])
    return found


def bandit(corpus, minimum):
    r = subprocess.run(["bandit", "-r", ".", "-f", "json", "-q"], cwd=corpus, capture_output=True, text=True)
    order = {"LOW": 0, "MEDIUM": 1, "HIGH": 2}
    found = {}
    for f in json.loads(r.stdout)["results"]:
        if order[f["issue_severity"]] >= order[minimum]:
            found.setdefault(os.path.normpath(f["filename"]), set()).add(f["line_number"])
    return found


def score(name, lab, found):
    """Prints one table row and returns it."""
    vuln = [f for f, ls in lab.items() if ls]
    clean = [f for f, ls in lab.items() if not ls]
    near = lambda f, l: any(abs(l - x) <= 2 for x in found.get(f, ()))
    hit_files = sum(1 for f in vuln if found.get(f))
    right_line = sum(1 for f in vuln if any(near(f, l) for l in lab[f]))
    lines = [(f, l) for f in vuln for l in lab[f]]
    lines_hit = sum(1 for f, l in lines if near(f, l))
    flagged = sum(1 for f in clean if found.get(f))
    in_vuln = [(f, l) for f in vuln for l in found.get(f, ())]
    placed = sum(1 for f, l in in_vuln if any(abs(l - x) <= 2 for x in lab[f]))
    pct = lambda a, b: f"{100 * a / b:.0f}% ({a}/{b})" if b else "n/a"
    row = (
        f"| {name} | {pct(hit_files, len(vuln))} | {pct(right_line, len(vuln))} | {pct(lines_hit, len(lines))} "
        f"| {pct(placed, len(in_vuln))} | {pct(flagged, len(clean))} |"
    )
    print(row)
    return row


HEADER = (
    "| tool | vulnerable files found | ... at a labelled line (+-2) | labelled lines found (+-2) "
    "| findings in vulnerable files at a labelled line | clean files flagged |\n| --- | --- | --- | --- | --- | --- |"
)


def main():
    binary, corpus = os.path.abspath(sys.argv[1]), sys.argv[2]
    lab = labels(corpus, sys.argv[3] if len(sys.argv) > 3 else None)
    print(f"{sum(1 for v in lab.values() if v)} vulnerable and {sum(1 for v in lab.values() if not v)} clean Python files in {corpus}\n")
    print(HEADER)
    score("cordon scan", lab, cordon(binary, corpus))
    score("bandit (all)", lab, bandit(corpus, "LOW"))
    score("bandit (MEDIUM+)", lab, bandit(corpus, "MEDIUM"))


if __name__ == "__main__":
    main()
