# Near misses for host files reached through listings, SQLite and SFTP (issue 16, session 15b):
# the operator's fixed directory and database, a listing under a checked base, SFTP whose local
# side is a fixed directory and whose remote path is the model's (the server's file, not the
# host's), and a dict's `get` on an object named for a session (mcp-python-repl's executor keeps
# variables in `session.namespace`; that is no HTTP client).
import os
import sqlite3
from pathlib import Path

import paramiko
from fastmcp import FastMCP

app = FastMCP("files")
DATA = Path("/srv/data")
DB = "/srv/data/app.db"


@app.tool()
def list_data() -> list[str]:
    return [f.name for f in DATA.iterdir()]


@app.tool()
def list_under(sub: str) -> list[str]:
    target = (DATA / sub).resolve()
    if not target.is_relative_to(DATA):
        raise ValueError("outside the data directory")
    return [f.name for f in target.iterdir()]


@app.tool()
def query(sql_id: int) -> list:
    with sqlite3.connect(DB) as conn:
        return conn.execute("SELECT * FROM reports WHERE id = ?", (sql_id,)).fetchall()


def _client() -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.connect("build.internal", username="ci")
    return client


@app.tool()
def fetch_report(remote_path: str) -> str:
    sftp = _client().open_sftp()
    local = os.path.join("/srv/inbox", "report.txt")
    sftp.get(remote_path, local)
    return "fetched"


class Session:
    def __init__(self) -> None:
        self.namespace: dict = {}


@app.tool()
def set_variable(name: str, value: str) -> str:
    session = Session()
    if session.namespace.get(name) is not value:
        session.namespace[name] = value
    return name
