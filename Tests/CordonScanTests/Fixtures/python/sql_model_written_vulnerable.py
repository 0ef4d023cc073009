# Text-to-SQL: the model writes the statement and the code runs it as it is.
import sqlite3

from langchain_core.tools import tool
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("db")


class TextToSQL:
    def __init__(self, llm, database):
        self.llm = llm
        self.database = database

    def answer(self, question: str) -> str:
        sql_cmd = self.llm.invoke(f"Write one SQLite query for: {question}").content.strip()
        return self.database.run(sql_cmd)  # expect: sql-injection


@tool
def query_db(query: str) -> str:
    """Run a read-only query against the shop database."""
    conn = sqlite3.connect("shop.db")
    return str(conn.execute(query).fetchall())  # expect: sql-injection


@tool
def describe_table(table_name: str) -> str:
    """List the columns of a table."""
    db = sqlite3.connect("shop.db")
    return str(db.execute(f"PRAGMA table_info({table_name})").fetchall())  # expect: sql-injection


class ConnectionManager:
    def __init__(self, conn):
        self.conn = conn

    def execute(self, sql, params=None):
        cur = self.conn.cursor()
        cur.execute(sql, params)
        return cur.fetchall()


def execute_query(sql: str, params: dict | None = None) -> list:
    """Execute a raw SQL query (mcp-mysql-connector registers this as a tool by reference)."""
    cm = ConnectionManager(None)
    return cm.execute(sql, params)  # expect: sql-injection


mcp.tool()(execute_query)
