# Near misses: a file written and a fixed program run on it in a container, a report written
# by a script that then runs a fixed tool, and runpy of the project's own script.
import runpy
import subprocess
from pathlib import Path

HERE = Path(__file__).parent


class DockerExecutor:
    def __init__(self, work_dir: Path):
        self.work_dir = work_dir

    def execute_code_blocks(self, code_blocks) -> str:
        outputs = []
        for block in code_blocks:
            code = block.code
            (self.work_dir / "main.py").write_text(code)
            result = subprocess.run(
                ["docker", "run", "--rm", "-v", f"{self.work_dir}:/w", "python:3.12", "python", "/w/main.py"],
                capture_output=True,
                text=True,
            )
            outputs.append(result.stdout)
        return "\n".join(outputs)


def export(rows, out: Path) -> None:
    out.write_text("\n".join(rows))
    subprocess.run(["gzip", "-k", str(out)], check=True)


def migrate() -> None:
    runpy.run_path(str(HERE / "migrations" / "latest.py"))
