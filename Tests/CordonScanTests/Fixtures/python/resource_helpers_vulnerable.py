# MCP servers handing the model's address or path to a library or helper that reads it:
# markitdown-mcp's `convert_uri` (http:, https: and file: URIs), mcp-pandoc's conversion
# reading and writing the paths the model names, excel-mcp-server's `get_excel_path` joining a
# relative name under the files directory with no check (its callers open what it returns).
import os

import pypandoc
from markitdown import MarkItDown
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("documents")
EXCEL_FILES_PATH = os.environ.get("EXCEL_FILES_PATH", "./excel_files")


@mcp.tool()
async def convert_to_markdown(uri: str) -> str:
    """Convert a resource described by an http:, https:, file: or data: URI to markdown."""
    return MarkItDown().convert_uri(uri).markdown  # expect: ssrf


@mcp.tool()
def convert_document(contents: str, output_format: str, output_file: str) -> str:
    """Convert markdown to another format and save it."""
    pypandoc.convert_text(contents, output_format, format="markdown", outputfile=output_file)  # expect: path-traversal
    return f"saved to {output_file}"


def get_excel_path(filename: str) -> str:
    """Full path of an Excel file."""
    return os.path.join(EXCEL_FILES_PATH, filename)  # expect: path-traversal


@mcp.tool()
def create_workbook(filepath: str) -> str:
    """Create a new Excel workbook."""
    full_path = get_excel_path(filepath)
    return f"Created workbook at {full_path}"
