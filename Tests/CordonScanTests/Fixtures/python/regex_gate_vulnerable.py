# A regular expression gates a name only when it admits no syntax and the code refuses what
# fails it: a pattern that lets spaces or quotes through, a test that only logs, or one joined
# with `and`, leaves the model's text in the statement.
import logging
import re
import sqlite3

from mcp.server.fastmcp import FastMCP

mcp = FastMCP("tables")
db = sqlite3.connect("app.db")


@mcp.tool()
def describe(table_name: str) -> list:
    """Describe a table."""
    if not re.match(r"^[\w ,'()]+$", table_name):
        raise ValueError("bad table name")
    return db.execute(f"PRAGMA table_info({table_name})").fetchall()  # expect: sql-injection


@mcp.tool()
def sample(table_name: str) -> list:
    """A few rows of a table."""
    if not re.match(r"^[a-zA-Z0-9_]+$", table_name):
        logging.warning("odd table name %s", table_name)
    return db.execute(f"SELECT * FROM `{table_name}` LIMIT 5").fetchall()  # expect: sql-injection


@mcp.tool()
def count(table_name: str, strict: bool) -> int:
    """Count rows."""
    if strict and not re.match(r"^[a-zA-Z0-9_]+$", table_name):
        raise ValueError("bad table name")
    return db.execute(f"SELECT count(*) FROM `{table_name}`").fetchone()[0]  # expect: sql-injection


@mcp.tool()
def columns(table_name: str) -> list:
    """Column names of a table."""
    if not re.search(r"[a-zA-Z0-9_]+", table_name):
        raise ValueError("bad table name")
    return db.execute(f"SELECT name FROM pragma_table_info('{table_name}')").fetchall()  # expect: sql-injection
