# Near misses: helpers whose parameters reach a sink, called only with the developer's own
# values, a helper that checks the path it opens, a method named for what it makes of SQL, and
# a URL whose host is configuration.
from pathlib import Path

import httpx
from sqlalchemy import text

from agno.tools import Toolkit


class ReportTools(Toolkit):
    def __init__(self, session, base_dir: Path, config):
        super().__init__(name="report_tools")
        self.session = session
        self.base_dir = base_dir.resolve()
        self.config = config
        self.register(self.daily_totals)
        self.register(self.read_report)
        self.register(self.read_url)

    def daily_totals(self, day: str) -> str:
        return str(self._run("SELECT SUM(total) FROM orders WHERE day = :day", day))

    def _run(self, statement: str, day: str) -> list:
        return self.session.execute(text(statement), {"day": day}).fetchall()

    def read_report(self, name: str) -> str:
        return self._read(name)

    def _read(self, name: str) -> str:
        path = (self.base_dir / name).resolve()
        if not path.is_relative_to(self.base_dir):
            raise ValueError("outside the reports folder")
        with open(path) as f:
            return f.read()

    def read_url(self, url: str) -> str:
        full_url = f"{self.config.reader_url}{url}"
        return httpx.get(full_url, timeout=10).text

    def explain(self, question: str) -> str:
        sql = self.generator.parse_response_to_sql(question)
        return sql
