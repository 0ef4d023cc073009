# A tools module whose plain functions a framework hands to the model in another file
# (agentscope's `service/` functions listed in a ServiceToolkit, controlflow's and marvin's
# `tools/filesystem.py` passed to `Agent(tools=[...])`): nothing here registers them, so the
# folder and the docstring say what they are. Their parameters are the model's arguments.
import os
import shutil
import sqlite3
import subprocess

import requests


def read_text_file(file_path: str) -> str:
    """Read the content of the text file."""
    with open(file_path, "r", encoding="utf-8") as file:  # expect: path-traversal
        return file.read()


def write(path: str, contents: str) -> str:
    """Creates or overwrites a file with the given contents"""
    path = os.path.expanduser(path)
    with open(path, "w") as f:  # expect: path-traversal
        f.write(contents)
    return f'Successfully wrote "{path}"'


def delete_directory(directory_path: str) -> str:
    """Delete a directory and all of its contents."""
    shutil.rmtree(directory_path)  # expect: dangerous-tool-no-approval
    return "Success"


def execute_shell_command(command: str) -> str:
    """Executes a given shell command."""
    result = subprocess.run(command, shell=True, check=True, stdout=subprocess.PIPE, text=True)  # expect: shell-injection
    return result.stdout


def download_from_url(url: str, timeout: int = 120) -> bytes:
    """Download file from the given url."""
    session = requests.Session()
    response = session.get(url, stream=True, timeout=timeout)  # expect: ssrf
    return response.content


def query_sqlite(database: str, query: str) -> list:
    """Executes query within sqlite database."""
    conn = sqlite3.connect(database)  # expect: path-traversal
    cursor = conn.cursor()
    cursor.execute(query)  # expect: sql-injection
    return cursor.fetchall()
