# Code written to a file and then run: by a toolkit with the model's code (runpy), and by a
# local executor that writes the code blocks it is handed and starts an interpreter on them.
import runpy
import subprocess
import sys
from hashlib import md5
from pathlib import Path

from agno.tools import Toolkit


class PythonTools(Toolkit):
    def __init__(self, base_dir: Path):
        super().__init__(name="python_tools")
        self.base_dir = base_dir
        self.register(self.save_to_file_and_run)
        self.register(self.run_file)

    def save_to_file_and_run(self, file_name: str, code: str) -> str:
        file_path = self.base_dir.joinpath(file_name)  # expect: path-traversal
        file_path.parent.mkdir(parents=True, exist_ok=True)
        file_path.write_text(code)
        result = runpy.run_path(str(file_path), run_name="__main__")  # expect: eval-injection
        return str(result.get("result"))

    def run_file(self, file_name: str) -> str:
        file_path = self.base_dir.joinpath(file_name)  # expect: path-traversal
        return str(runpy.run_path(str(file_path)))  # expect: eval-injection


class LocalExecutor:
    def __init__(self, work_dir: Path):
        self.work_dir = work_dir

    def execute_code_blocks(self, code_blocks) -> str:
        outputs = []
        for block in code_blocks:
            code = block.code
            filename = f"tmp_code_{md5(code.encode()).hexdigest()}.py"
            written_file = (self.work_dir / filename).resolve()
            with written_file.open("w", encoding="utf-8") as f:
                f.write(code)
            cmd = [sys.executable, str(written_file)]
            result = subprocess.run(cmd, cwd=self.work_dir, capture_output=True, text=True)  # expect: unsandboxed-code-interpreter
            outputs.append(result.stdout)
        return "\n".join(outputs)
