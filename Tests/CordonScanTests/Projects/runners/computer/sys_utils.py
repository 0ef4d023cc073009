# wcgw's `command_run`: any line it is given runs in a host shell.
import subprocess


def command_run(cmd, timeout=3.0):
    process = subprocess.Popen(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stdout, stderr = process.communicate(timeout=timeout)
    return process.returncode or 0, stdout, stderr
