# A toolkit that registers its own methods as tools: their arguments are chosen by the model.
import subprocess
from typing import List

from phi.tools import Toolkit


class OpsTools(Toolkit):
    def __init__(self, connection):
        super().__init__(name="ops_tools")
        self.connection = connection
        self.register(self.run_command)
        self.register(self.describe_table)

    def run_command(self, args: List[str]) -> str:
        return subprocess.run(args, capture_output=True, text=True).stdout  # expect: shell-injection

    def run_query(self, query: str) -> str:
        return str(self.connection.sql(query).fetchall())  # expect: sql-injection

    def describe_table(self, table: str) -> str:
        return self.run_query(f"DESCRIBE {table};")  # expect: sql-injection
