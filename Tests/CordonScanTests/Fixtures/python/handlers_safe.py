# Near misses: the handler resolves the path and checks it stays under the root; psycopg's
# SQL composition quotes what it formats in; a Jinja2 sandbox held in an attribute renders
# the configured template; a prompt is built (not sent) by a method named for it.
import os
from http.server import BaseHTTPRequestHandler

from jinja2.sandbox import ImmutableSandboxedEnvironment
from psycopg.sql import SQL, Identifier

ROOT = "/srv/static"


class StaticHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        path = os.path.realpath(os.path.join(ROOT, self.path.lstrip("/")))
        if not path.startswith(ROOT + os.sep):
            self.send_error(404)
            return
        with open(path, "rb") as f:
            self.wfile.write(f.read())


class Store:
    def drop(self, cur, schema: str, table: str) -> None:
        cur.execute(SQL("DROP TABLE IF EXISTS {scm}.{tbl} CASCADE").format(scm=Identifier(schema), tbl=Identifier(table)))


class PromptTemplate:
    def __init__(self, config):
        self.config = config
        self._env = ImmutableSandboxedEnvironment()

    def render(self, variables: dict) -> str:
        return self._env.from_string(self.config.template).render(**variables)

    def get_sql_prompt(self, question: str) -> str:
        return self.build_prompt(question)
