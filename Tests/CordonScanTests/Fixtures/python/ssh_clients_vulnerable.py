# SSH client libraries run a command string in the remote account's login shell, and a client
# that skips the host-key check trusts whoever answers (mcp-deploy-server's asyncssh helper,
# paramiko's AutoAddPolicy as agent tools commonly set it).
import asyncssh
import paramiko
from fabric import Connection
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("remote")


async def exec_command(conn: asyncssh.SSHClientConnection, command: str, timeout_sec: int = 30) -> str:
    result = await conn.run(command, check=False)  # expect: shell-injection
    return result.stdout or ""


async def connect(host: str, password: str) -> asyncssh.SSHClientConnection:
    kwargs = {
        "host": host,
        "known_hosts": None,  # expect: tls-verification-disabled
        "password": password,
    }
    return await asyncssh.connect(**kwargs)


@mcp.tool()
async def run_command(host: str, command: str) -> str:
    """Execute any shell command on a remote server."""
    conn = await connect(host, "")
    return await exec_command(conn, command)


@mcp.tool()
def paramiko_run(host: str, command: str) -> str:
    """Run a command on a host over SSH."""
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())  # expect: tls-verification-disabled
    client.connect(host, username="deploy")
    _, out, _ = client.exec_command(command)  # expect: shell-injection
    return out.read().decode()


@mcp.tool()
def restart(host: str, unit: str) -> str:
    """Restart a systemd unit on a host."""
    c = Connection(host)
    return c.sudo(f"systemctl restart {unit}").stdout  # expect: shell-injection
