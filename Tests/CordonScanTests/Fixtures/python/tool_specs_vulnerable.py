# Tools declared by their class's contract, not by a decorator: a LlamaIndex tool spec lists
# the methods the model calls in `spec_functions`; an agency-swarm (instructor) tool's
# arguments are its pydantic fields, read by a `run(self)` that takes none; a browser held in
# a name assigned from a web-driver factory navigates; a Cypher statement the model wrote runs
# on a Neo4j session.
import subprocess
import sys

from agency_swarm.tools import BaseTool
from llama_index.core.tools.tool_spec.base import BaseToolSpec
from pydantic import Field
from sqlalchemy import text

from .util.selenium import get_web_driver


class CodeInterpreterToolSpec(BaseToolSpec):
    spec_functions = ["code_interpreter", "load_data"]

    def __init__(self, engine):
        self.engine = engine

    def code_interpreter(self, code: str):
        """Execute python code, and return the stdout and stderr."""
        result = subprocess.run([sys.executable, "-c", code], capture_output=True)  # expect: shell-injection
        return f"StdOut:\n{result.stdout}\nStdErr:\n{result.stderr}"

    def load_data(self, query: str):
        """Query and load data from the database."""
        with self.engine.connect() as connection:
            return connection.execute(text(query)).fetchall()  # expect: sql-injection


class FileReader(BaseTool):
    """This tool reads a file and returns the contents."""

    file_path: str = Field(..., description="Path to the file to read.", examples=["../../file.py"])

    def run(self):
        with open(self.file_path, "r") as f:  # expect: path-traversal
            return f.read()


class ReadURL(BaseTool):
    """Opens a URL in the current browser window."""

    url: str = Field(..., description="URL of the webpage.")

    def run(self):
        wd = get_web_driver()
        wd.get(self.url)  # expect: ssrf
        return wd.current_url


class Neo4jQueryToolSpec(BaseToolSpec):
    spec_functions = ["run_request"]

    def query_graph_db(self, neo4j_query, params=None):
        with self.graph_store.client.session() as session:
            return [r.values() for r in session.run(neo4j_query, params or {})]  # expect: sql-injection

    def construct_cypher_query(self, question):
        completions = self.llm.chat([{"role": "user", "content": question}])
        return completions.message.content

    def run_request(self, question):
        """Executes a Cypher query based on a given question."""
        cypher = self.construct_cypher_query(question)
        return self.query_graph_db(cypher)
