# Host files reached through APIs that are not `open` (issue 16, session 15b): pathlib's
# directory listings (mcp-filesysutils-server lists and reorganises any directory the model
# names), SQLite opening the database file the model names (mcp-sqlite-tool), and SFTP copying
# between the host and a server (mcp-ssh-server uploads any host file, downloads to any path).
import sqlite3
from pathlib import Path

import paramiko
from fastmcp import FastMCP

app = FastMCP("files")


@app.tool()
async def list_files(path: str) -> list[str]:
    target = Path(path).resolve()
    return [f.name for f in target.iterdir() if f.is_file()]  # expect: path-traversal


@app.tool()
def find(directory: str, pattern: str) -> list[str]:
    root = Path(directory)
    return [str(p) for p in root.rglob(pattern)]  # expect: path-traversal


@app.tool()
def query(db_path: str, sql: str) -> list:
    with sqlite3.connect(db_path) as conn:  # expect: path-traversal
        return conn.execute(sql).fetchall()  # expect: sql-injection


def _client() -> paramiko.SSHClient:
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.connect("build.internal", username="ci")
    return client


@app.tool()
def upload_file(local_path: str, remote_path: str) -> str:
    sftp = _client().open_sftp()
    sftp.put(local_path, remote_path)  # expect: path-traversal
    return "uploaded"


@app.tool()
def download_file(remote_path: str, local_path: str) -> str:
    sftp = _client().open_sftp()
    sftp.get(remote_path, local_path)  # expect: path-traversal
    return "downloaded"
