# Near miss (issue 16, session 15b; mcp-postgres-server 0.1.2's execute tool): the model's
# write statements run only when the operator turned writes on (ALLOW_WRITE=true, off by
# default). That is the documented opt-in, as `allow_dangerous_code` is for code.
import os

import psycopg
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("postgres")


class Settings:
    allow_write = os.environ.get("ALLOW_WRITE", "false") == "true"


settings = Settings()


@mcp.tool()
def execute(sql: str, params: list | None = None) -> int:
    if not settings.allow_write:
        raise PermissionError("Write operations are disabled. Set ALLOW_WRITE=true to enable them.")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        cur = conn.execute(sql, params or [])
        return cur.rowcount
