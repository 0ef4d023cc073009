import ast
import json
import re

import torch

model = torch.nn.Linear(2, 2)
model.eval()  # a PyTorch module in evaluation mode, not builtins.eval
pattern = re.compile(r"\d+")


def parse(reply):
    return ast.literal_eval(reply)


def parse_json(reply):
    return json.loads(reply)


def constant():
    return eval("1 + 2")


_parse = ast.literal_eval


def parse_reply(reply):
    return _parse(reply)


def looks_like_python(code: str) -> bool:
    """AutoGen's language guess: compile only checks the syntax; the code object is dropped."""
    try:
        compile(code, "test", "exec")
        return True
    except SyntaxError:
        return False
