"""Shared fixtures: the built cordon binary, a throwaway project directory, and a running
`cordon serve` in it. Tests run real cordon processes; nothing is mocked."""

import os
import shutil
import signal
import subprocess
import time

import pytest

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def _binary() -> str:
    for candidate in (
        os.environ.get("CORDON_BIN"),
        os.path.join(REPO, ".build", "debug", "cordon"),
        os.path.join(REPO, ".build", "release", "cordon"),
        shutil.which("cordon"),
    ):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.fail("no cordon binary: run 'swift build' first or set CORDON_BIN")


@pytest.fixture(scope="session")
def cordon_bin() -> str:
    return _binary()


@pytest.fixture
def project(tmp_path, monkeypatch, cordon_bin):
    """A project directory as the working directory, with CORDON_BIN set and CORDON_HOME unset
    (so gate.log and state.db land in its .cordon/)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CORDON_BIN", cordon_bin)
    monkeypatch.delenv("CORDON_HOME", raising=False)
    return tmp_path


@pytest.fixture
def server(project, cordon_bin):
    """`cordon serve` on .cordon/cordon.sock in the project; stopped with SIGTERM."""
    p = subprocess.Popen([cordon_bin, "serve"], cwd=project, stderr=subprocess.DEVNULL)
    sock = project / ".cordon" / "cordon.sock"
    for _ in range(500):
        if sock.exists():
            break
        time.sleep(0.01)
    else:
        p.kill()
        pytest.fail("cordon serve did not create its socket")
    yield str(sock)
    p.send_signal(signal.SIGTERM)
    assert p.wait(timeout=10) == 0


@pytest.fixture
def approver(project, cordon_bin):
    """Approves or rejects an approval the way a person does: with the approver key."""
    key = str(project / "approver.key")
    subprocess.run([cordon_bin, "approvals", "key", "--output", key], check=True, capture_output=True)

    def decide(approval_id: str, verb: str = "approve") -> None:
        subprocess.run([cordon_bin, "approvals", verb, approval_id, "--key", key], check=True, capture_output=True)

    return decide
