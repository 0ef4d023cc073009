# Near misses (mcp-db-navigator's shape): identifiers a strict full-match pattern admitted,
# refused otherwise, then formatted in backquotes; values stay parameters.
import re
import sqlite3

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("tables")
db = sqlite3.connect("app.db")
IDENT = r"^[a-zA-Z0-9_]+$"


@mcp.tool()
def query_table(query_params: dict) -> list:
    """Select columns of a table with equality filters."""
    table_name = query_params.get("table_name")
    if not table_name or not isinstance(table_name, str) or not re.match(r"^[a-zA-Z0-9_]+$", table_name):
        raise ValueError("Invalid or missing 'table_name'.")
    where = query_params.get("where", {})
    clauses = []
    values = []
    for key, value in where.items():
        if not re.fullmatch(r"[A-Za-z_][\w]*", key):
            raise ValueError(f"bad column {key}")
        clauses.append(f"`{key}` = ?")
        values.append(value)
    query = f"SELECT * FROM `{table_name}`"
    return db.execute(query, values).fetchall()


@mcp.tool()
def schema() -> dict:
    """Every table's columns."""
    out = {}
    for (table_name,) in db.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall():
        if not re.match(r"^[a-zA-Z0-9_]+$", table_name):
            continue
        out[table_name] = db.execute(f"PRAGMA table_info(`{table_name}`)").fetchall()
    return out


@mcp.tool()
def drop_index(name: str) -> str:
    """Drop an index."""
    if not re.match(r"\A[a-z_\-]{1,64}\Z", name): raise ValueError("bad index name")
    db.execute(f"DROP INDEX IF EXISTS `{name}`")
    return "dropped"
