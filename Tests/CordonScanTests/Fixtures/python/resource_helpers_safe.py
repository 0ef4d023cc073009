# Near misses: the converter writes to a name the server makes itself and reads the developer's
# template; a URL helper that only builds an address; a path helper that resolves the name and
# refuses one outside the base; a function that reads a path list is no path maker.
import os
import uuid

import pypandoc
from mcp.server.fastmcp import FastMCP

mcp = FastMCP("documents")
OUT_DIR = "/srv/exports"
BASE = os.path.realpath(os.environ.get("EXCEL_FILES_PATH", "./excel_files"))


def build_url_for(doc_id: str) -> str:
    return f"https://docs.example.com/d/{doc_id}"


@mcp.tool()
def export_pdf(contents: str) -> str:
    """Convert markdown to PDF in the export folder."""
    target = os.path.join(OUT_DIR, f"{uuid.uuid4().hex}.pdf")
    pypandoc.convert_text(contents, "pdf", format="markdown", outputfile=target)
    return build_url_for(os.path.basename(target))


def get_excel_path(filename: str) -> str:
    """Full path of an Excel file, inside the files directory."""
    path = os.path.realpath(os.path.join(BASE, filename))
    if not path.startswith(BASE + os.sep):
        raise ValueError(f"{filename} is outside the files directory")
    return path


@mcp.tool()
def create_workbook(filepath: str) -> str:
    """Create a new Excel workbook."""
    return f"Created workbook at {get_excel_path(filepath)}"
