# An MCP server whose tools are handler classes (mcp-text-editor 1.0.2's shape): `call_tool`
# hands the model's arguments to a handler's `run_tool`, which hands the path to an editor
# object of another module; that editor's private helper opens it.
from mcp.server import Server
from mcp.types import TextContent, Tool

from .editor import TextEditor

app = Server("text-editor")


class ReadHandler:
    name = "read_text_file"

    def __init__(self):
        self.editor = TextEditor()

    def description(self) -> Tool:
        return Tool(
            name=self.name,
            description="Read a text file from a line on.",
            inputSchema={"type": "object", "properties": {"path": {"type": "string"}, "start": {"type": "integer"}}},
        )

    async def run_tool(self, arguments):
        content = await self.editor.read_lines(arguments["path"], arguments.get("start", 1))
        return [TextContent(type="text", text=content)]


read_handler = ReadHandler()


@app.list_tools()
async def list_tools():
    return [read_handler.description()]


@app.call_tool()
async def call_tool(name, arguments):
    if name == read_handler.name:
        return await read_handler.run_tool(arguments)
    raise ValueError(f"Unknown tool: {name}")
