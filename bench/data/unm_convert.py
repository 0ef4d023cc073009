#!/usr/bin/env python3
"""Converts the UNM / MIT system-call data sets (Forrest et al.; the copy in the public GitHub
repository anandsagarthumati9848/HIDS, commit 35093f7, folder Datasets/) into cordon's token
format: one trace per process, one file per trace, system-call numbers separated by spaces.

The originals hold, per file, lines of "PID CALL"; processes of one recording interleave, so a
trace is the calls of one PID in file order (as Forrest et al. and Warrender et al. use them).

usage: unm_convert.py REPO_DATASETS_DIR OUT_DIR      (writes OUT_DIR/UNM/<program>/{normal,intrusion}/)
"""
import collections
import gzip
import io
import os
import sys
import tarfile

# program -> (normal sources, intrusion sources); a source is a path under Datasets/, a .tar or
# .tar.gz of .int(.gz) files, or a plain .int file.
SOURCES = {
    "mit-lpr": (["MIT/live lpr/normal/lpr-live-mit-new.tar.gz"], ["MIT/live lpr/intrusion/exploit-ai.int"]),
    "unm-lpr": (
        ["UNM/4. Live lpr/Normal/real/lpr-normal-10.txt", "UNM/4. Live lpr/Normal/real/lpr-normal-11.txt"],
        ["UNM/4. Live lpr/Intrusion/exploit-unm.int"],
    ),
    "sendmail": (
        [f"UNM/1.Synthetic Sendmail/normal-data/{n}.int" for n in
         ["bounce-1", "bounce-2", "bounce", "plus", "queue", "sendmail.log"]],
        [f"UNM/1.Synthetic Sendmail/Intrusion-trace-data/{n}.int" for n in
         ["fwd-loops-1", "fwd-loops-2", "fwd-loops-3", "fwd-loops-4", "fwd-loops-5",
          "sm-10763", "sm-10801", "sm-10814", "sm-280", "sm-314"]],
    ),
    "xlock": (["UNM/5.xlock/normal/xlock-synth-unm.tar"], ["UNM/5.xlock/intrusion/xlock-intrusions.tar.gz"]),
    "named": (["UNM/6.Live_named/normal/normal-named-live-2k.txt"], ["UNM/6.Live_named/intrusion/named-intrusions.tar"]),
    "login": (
        ["UNM/7.Login_and_ps/normal/login-live-unm.tar"],
        ["UNM/7.Login_and_ps/intrusion/login-homegrown.int", "UNM/7.Login_and_ps/intrusion/login-recovered.int"],
    ),
    "ps": (
        ["UNM/7.Login_and_ps/normal/ps-live-unm.tar"],
        ["UNM/7.Login_and_ps/intrusion/ps-homegrown.int", "UNM/7.Login_and_ps/intrusion/ps-recovered.int"],
    ),
    "inetd": (["UNM/8.Inetd/normal/inetd-live-unm.int"], ["UNM/8.Inetd/intrusion/inetd-intrusion.int"]),
    "ftp": (["UNM/2.Synthetic Ftp/normal/nonself1.int"], ["UNM/2.Synthetic Ftp/intrusion/exploit2.int"]),
}


def texts(path):
    """(name, text) of every recording in a source, in name order."""
    if path.endswith(".tar") or path.endswith(".tar.gz"):
        with tarfile.open(path) as t:
            members = sorted((m for m in t.getmembers() if m.isfile()), key=lambda m: m.name)
            for m in members:
                data = t.extractfile(m).read()
                if m.name.endswith(".gz"):
                    data = gzip.decompress(data)
                yield os.path.basename(m.name).split(".int")[0].split(".log")[0], data.decode("ascii", "replace")
    else:
        with open(path, "rb") as f:
            yield os.path.basename(path).rsplit(".", 1)[0], f.read().decode("ascii", "replace")


def processes(text):
    by_pid = collections.OrderedDict()
    for line in io.StringIO(text):
        parts = line.split()
        if len(parts) >= 2:
            by_pid.setdefault(parts[0], []).append(parts[1])
    return by_pid.items()


def main():
    src, out = sys.argv[1], sys.argv[2]
    for program, (normal, intrusion) in SOURCES.items():
        for kind, sources in (("normal", normal), ("intrusion", intrusion)):
            d = os.path.join(out, "UNM", program, kind)
            os.makedirs(d, exist_ok=True)
            n = 0
            for s in sources:
                for name, text in texts(os.path.join(src, s)):
                    for pid, calls in processes(text):
                        n += 1
                        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
                        with open(os.path.join(d, f"{n:05d}-{safe}-{pid}.txt"), "w") as f:
                            f.write(" ".join(calls) + "\n")
            print(program, kind, n)


if __name__ == "__main__":
    main()
