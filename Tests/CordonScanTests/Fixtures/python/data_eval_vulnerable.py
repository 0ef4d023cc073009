# pandas evaluates expressions with attribute access and calls: a tool handing the model's
# expression to pd.eval (langroid's TableChatAgent, CVE-2025-46724) or DataFrame.query runs
# code; engine="python" evaluates plain Python.
import pandas as pd
from langchain_core.tools import tool

df = pd.read_csv("sales.csv")


@tool
def pandas_eval(expression: str) -> str:
    """Evaluate a pandas expression over the sales table."""
    return str(pd.eval(expression, local_dict={"df": df}))  # expect: eval-injection


@tool
def filter_rows(condition: str) -> str:
    """Rows of the sales table matching a condition."""
    return df.query(condition).to_string()  # expect: eval-injection


def derived_column(frame: pd.DataFrame, formula: str) -> pd.Series:
    return frame.eval(formula, engine="python")  # expect: eval-injection
