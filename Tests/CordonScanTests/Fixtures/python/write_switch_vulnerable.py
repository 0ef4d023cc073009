# The same tool where the switch does not gate: writes are on unless the operator turns them
# off (mcp-neo4j-cypher's `--read-only`, held-out-14), or the switch is only logged.
import logging
import os

import psycopg
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("postgres")
READ_ONLY = os.environ.get("READ_ONLY") == "true"
ALLOW_WRITE = os.environ.get("ALLOW_WRITE") == "true"


@mcp.tool()
def execute(sql: str) -> int:
    if READ_ONLY:
        raise PermissionError("read-only server")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        return conn.execute(sql).rowcount  # expect: sql-injection


@mcp.tool()
def execute_logged(sql: str) -> int:
    if ALLOW_WRITE:
        logging.info("writes are on")
    with psycopg.connect(os.environ["DATABASE_URL"]) as conn:
        return conn.execute(sql).rowcount  # expect: sql-injection
