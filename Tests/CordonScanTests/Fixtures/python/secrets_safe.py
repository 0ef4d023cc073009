import os

import psycopg2
from openai import OpenAI

client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
EXAMPLE_KEY = "sk-your-key-here"
conn = psycopg2.connect(f"postgresql://agent:{os.environ['DB_PASSWORD']}@db.internal:5432/agent")
docs = "set OPENAI_API_KEY=sk-... before running; the URL looks like postgresql://user:password@host/db"
