# Code executors backed by a local Jupyter kernel (autogen's JupyterCodeExecutor shape): the
# kernel is a full Python interpreter on the host, and the cells are the model's code.
from jupyter_client import KernelManager
from nbclient import NotebookClient
from nbformat import v4 as nbformat


class LocalNotebookExecutor:
    def __init__(self):
        self._client = NotebookClient(nbformat.new_notebook(), kernel_name="python3")

    async def _execute_cell(self, cell):
        self._client.nb.cells.append(cell)
        output = await self._client.async_execute_cell(cell, cell_index=0)  # expect: unsandboxed-code-interpreter
        self._client.nb.cells.pop()
        return output


def run_model_code(llm, task: str) -> str:
    km = KernelManager()
    km.start_kernel()
    kc = km.client()
    code = llm.invoke(f"Write Python for: {task}").content
    msg_id = kc.execute(code)  # expect: eval-injection
    return msg_id
