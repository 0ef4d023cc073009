# Tools that hand the model's SQL, path or URL to a helper of the same class: the helper's
# sink is reached by model output whichever order the two are defined in.
import json
from pathlib import Path
from typing import Optional

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.orm import sessionmaker

from agno.tools import Toolkit


class WarehouseTools(Toolkit):
    def __init__(self, db_url: str, base_dir: Optional[Path] = None):
        super().__init__(name="warehouse_tools")
        self.Session = sessionmaker(bind=create_engine(db_url))
        self.base_dir = base_dir or Path.cwd()
        self.register(self.run_sql_query)
        self.register(self.read_report)
        self.register(self.fetch_page)

    def run_sql_query(self, query: str, limit: Optional[int] = 10) -> str:
        return json.dumps(self.run_sql(sql=query, limit=limit), default=str)  # expect: sql-injection

    def run_sql(self, sql: str, limit: Optional[int] = None) -> list:
        with self.Session() as sess, sess.begin():
            result = sess.execute(text(sql))  # expect: sql-injection
            return [row._asdict() for row in result.fetchmany(limit)]

    def read_report(self, name: str) -> str:
        return self._read(name)

    def fetch_page(self, url: str) -> str:
        return self._get(url)  # expect: ssrf

    def _read(self, path: str) -> str:
        with open(path) as f:  # expect: path-traversal
            return f.read()

    def _get(self, url: str) -> str:
        return httpx.get(url, timeout=10).text  # expect: ssrf
