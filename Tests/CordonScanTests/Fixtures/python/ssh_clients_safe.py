# Near misses: fixed remote commands, the model's word quoted for the remote shell, host keys
# checked against a known_hosts file or refused, and `run` on receivers that are not SSH
# connections (a Neo4j session, a Docker client).
import shlex

import asyncssh
import paramiko
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("remote")

KNOWN_HOSTS = "/etc/ssh/ssh_known_hosts"


async def connect(host: str) -> asyncssh.SSHClientConnection:
    return await asyncssh.connect(host, known_hosts=KNOWN_HOSTS, username="deploy")


@mcp.tool()
async def uptime(host: str) -> str:
    """The remote host's uptime."""
    conn = await connect(host)
    result = await conn.run("uptime", check=False)
    return result.stdout or ""


@mcp.tool()
async def unit_status(host: str, unit: str) -> str:
    """A systemd unit's status on a host."""
    conn = await connect(host)
    result = await conn.run("systemctl status " + shlex.quote(unit), check=False)
    return result.stdout or ""


@mcp.tool()
def disk_usage(host: str) -> str:
    """Disk usage on a host, host keys checked."""
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username="deploy")
    _, out, _ = client.exec_command("df -h")
    return out.read().decode()


@mcp.tool()
def count_nodes(label: str, session) -> int:
    """Count graph nodes with a label from the allowed set."""
    if label not in ("Person", "Company"):
        raise ValueError("unknown label")
    return session.run("MATCH (n) WHERE $label IN labels(n) RETURN count(n)", label=label).single()[0]
