# SQL formatted from tool arguments well above the line that runs it (a long statement, a
# PRAGMA), and a writer tool whose joined path is opened further down.
import os

from agno.tools import Toolkit
from crewai_tools import BaseTool


class PostgresTools(Toolkit):
    def __init__(self, connection, table_schema: str = "public"):
        super().__init__(name="postgres_tools")
        self.connection = connection
        self.table_schema = table_schema
        self.register(self.summarize_table)
        self.register(self.create_fts_index)

    def summarize_table(self, table: str) -> str:
        stmt = f"""WITH column_stats AS ( -- the fixture mark sits in the SQL: expect: sql-injection
                SELECT
                    column_name,
                    data_type
                FROM
                    information_schema.columns
                WHERE
                    table_name = '{table}'
            )
            SELECT * FROM column_stats;
        """
        return self.run_query(stmt)

    def create_fts_index(self, table: str, unique_key: str) -> str:
        statement = f"PRAGMA create_fts_index('{table}', '{unique_key}');"
        return self.run_query(statement)  # expect: sql-injection

    def run_query(self, query: str) -> str:
        cursor = self.connection.cursor()
        cursor.execute(query)  # expect: sql-injection
        return str(cursor.fetchall())


class FileWriterTool(BaseTool):
    name: str = "File Writer Tool"
    description: str = "Writes content to a file in a directory."

    def _run(self, **kwargs) -> str:
        if kwargs["directory"] and not os.path.exists(kwargs["directory"]):
            os.makedirs(kwargs["directory"])

        filepath = os.path.join(kwargs["directory"] or "", kwargs["filename"])  # expect: path-traversal

        if os.path.exists(filepath) and not kwargs["overwrite"]:
            return f"File {filepath} already exists."

        mode = "w" if kwargs["overwrite"] else "x"
        with open(filepath, mode) as file:  # expect: path-traversal
            file.write(kwargs["content"])
        return f"Content successfully written to {filepath}"
