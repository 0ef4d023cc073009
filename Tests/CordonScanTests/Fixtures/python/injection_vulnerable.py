import pickle
import sqlite3

import torch
from flask import Flask, render_template_string, request
from huggingface_hub import hf_hub_download
from jinja2 import Template
from openai import OpenAI

app = Flask(__name__)
client = OpenAI()
db = sqlite3.connect("orders.db")


def answer_with_sql(question):
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
    customer = reply.choices[0].message.content
    cur = db.cursor()
    cur.execute(f"SELECT * FROM orders WHERE customer = '{customer}'")  # expect: sql-injection
    return cur.fetchall()


def lookup(user_id):
    query = "SELECT name FROM users WHERE id = %s" % user_id
    return db.execute(query).fetchone()  # expect: sql-injection


@app.route("/greet")
def greet():
    name = request.args.get("name", "")
    return render_template_string("<h1>Hello " + name + "</h1>")  # expect: template-injection


def render_summary(llm_output):
    return Template(llm_output).render()  # expect: template-injection


def restore_state(blob):
    return pickle.loads(blob)  # expect: unsafe-deserialization


def load_checkpoint(repo):
    path = hf_hub_download(repo_id=repo, filename="model.bin")
    return torch.load(path)  # expect: unsafe-deserialization


def chat(user_input):
    messages = [
        {"role": "system", "content": f"You are a support bot. The customer said: {user_input}"},  # expect: system-prompt-injection
        {"role": "user", "content": "Summarise the ticket."},
    ]
    return client.chat.completions.create(model="gpt-4o", messages=messages)


def agent_loop(task):
    history = [{"role": "user", "content": task}]
    while True:  # expect: unbounded-agent-loop
        reply = client.chat.completions.create(model="gpt-4o", messages=history)
        history.append(reply.choices[0].message)
        if "DONE" in reply.choices[0].message.content:
            break
