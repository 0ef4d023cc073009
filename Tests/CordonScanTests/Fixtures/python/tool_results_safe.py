# Near miss: a web handler returning an HTTP response is not a tool's result; its parameter
# is its caller's (a route elsewhere would make it request input), and nothing here fetches
# or runs what the model wrote.
import requests
from starlette.responses import FileResponse, JSONResponse


def proxy_health(service: str) -> JSONResponse:
    """Report a configured backend's health."""
    r = requests.get(f"https://status.internal.example.com/{service}/health", timeout=5)
    return JSONResponse(r.json())


def download_report(report_id: int) -> FileResponse:
    """Send a generated report."""
    return FileResponse(f"/srv/reports/{int(report_id)}.pdf")
