# Near misses: parameterised queries from tool input, constant SQL, and a wrapper that runs the
# statement its (non-model) caller configured.
import sqlite3

from langchain_core.tools import tool


@tool
def orders_for(customer_id: str) -> str:
    """Orders of one customer."""
    conn = sqlite3.connect("shop.db")
    rows = conn.execute("SELECT id, total FROM orders WHERE customer = ?", (customer_id,))
    return str(rows.fetchall())


def table_names(db) -> list:
    return db.run("SELECT name FROM sqlite_master WHERE type = 'table'")


class NightlyReport:
    def __init__(self, database, sql: str):
        self.database = database
        self.sql = sql

    def run_report(self, sql: str) -> str:
        return self.database.run(sql)


class SearchJob:
    def __init__(self, api):
        self.search_api = api

    def execute(self, query):
        return self.search_api.execute(query)


@tool
def web_search(query: str) -> str:
    """Search the web: a search API's execute(query) runs no SQL."""
    return str(SearchJob(None).search_api.execute(query))
