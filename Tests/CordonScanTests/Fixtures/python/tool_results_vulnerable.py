# Functions that return what a tool hands the model (agentscope's `ServiceResponse`, lagent's
# `ActionReturn`, browser-use's `ActionResult`) are tools wherever they live: the frameworks
# register them by that contract in another file.
import requests
from agentscope.service import ServiceExecStatus, ServiceResponse


def load_web(url: str, timeout: int = 5) -> ServiceResponse:
    """Load the web page at the given url."""
    response = requests.get(url=url, timeout=timeout)  # expect: ssrf
    return ServiceResponse(status=ServiceExecStatus.SUCCESS, content=response.text)


def execute_python_code(code: str) -> ServiceResponse:
    """Execute a piece of python code."""
    exec(code)  # expect: eval-injection
    return ServiceResponse(status=ServiceExecStatus.SUCCESS, content="done")
