# Near misses: constant expressions, a column the model picks from an allow-list, and a
# query method of a database client (not a DataFrame).
import pandas as pd
from langchain_core.tools import tool

df = pd.read_csv("sales.csv")
COLUMNS = {"revenue", "units"}


@tool
def total(column: str) -> str:
    """Total of a column of the sales table."""
    if column not in COLUMNS:
        return "unknown column"
    return str(df[column].sum())


@tool
def big_orders() -> str:
    """Orders over 1,000 units."""
    return df.query("units > 1000").to_string()


def margin(frame: pd.DataFrame) -> pd.Series:
    return pd.eval("frame.revenue - frame.cost")


@tool
def search_docs(query: str) -> str:
    """Search the document index."""
    return str(index.query(query))
