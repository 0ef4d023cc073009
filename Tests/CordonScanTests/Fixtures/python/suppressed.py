import subprocess


def deploy(target):
    subprocess.run(f"make deploy TARGET={target}", shell=True)  # cordon: ignore[shell-injection] target is validated by the CLI's choices
