# The project's own tool base class (a LangChain BaseTool): its subclasses in other files are
# tools, and their _run receives the model's arguments.
from langchain.tools import BaseTool


class AgentAction(BaseTool):
    name: str = "action"
    description: str = "an action"
