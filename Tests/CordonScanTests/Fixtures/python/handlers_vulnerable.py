# Request input reaching sinks outside a decorated route: an http.server handler joining its
# request path under a root (`self.path`), a Django view running the query string as SQL,
# and a text-to-SQL class whose model sits behind `submit_prompt` (vanna's shape).
import os
import sqlite3
from http.server import BaseHTTPRequestHandler

ROOT = "/srv/static"


class StaticHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.join(ROOT, self.path.lstrip("/"))  # expect: path-traversal
        with open(path, "rb") as f:
            self.wfile.write(f.read())


def search(request):
    conn = sqlite3.connect("app.db")
    rows = conn.execute(f"SELECT * FROM items WHERE name = '{request.GET['q']}'")  # expect: sql-injection
    return list(rows)


class TextToSQL:
    def generate_sql(self, question: str) -> str:
        llm_response = self.submit_prompt(f"Write SQL for: {question}")
        sql = self.extract_sql(llm_response)
        return self.run_sql(sql)  # expect: sql-injection
