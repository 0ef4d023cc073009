# The agent module: it builds the toolkit from functions of other modules (agentscope's
# ServiceToolkit.add, LlamaIndex's FunctionTool.from_defaults, LangChain's Tool(func=...)).
import atexit

from agentscope.service import ServiceToolkit
from langchain.agents import Tool
from llama_index.core.tools import FunctionTool

from app.cleanup import remove_scratch
from app.ops import files, web
from app.ops.shell_ops import execute_shell_command as run_shell

toolkit = ServiceToolkit()
toolkit.add(run_shell)
toolkit.add(files.read_text)

write_tool = FunctionTool.from_defaults(fn=files.write_text, name="write_text")
fetch_tool = Tool(name="fetch", func=web.fetch, description="Fetch a web page")
docs_tool = Tool(name="docs", func=web.fetch_docs, description="Read a page of our docs")
# Not a tool: the interpreter calls it at exit with the developer's path.
atexit.register(remove_scratch)
