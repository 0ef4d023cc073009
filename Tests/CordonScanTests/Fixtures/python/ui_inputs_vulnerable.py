# What a user types into a Streamlit, Gradio or Chainlit front end reaches code and a shell.
import subprocess

import chainlit as cl
import gradio as gr
import streamlit as st

question = st.text_input("Ask the calculator")
if question:
    st.write(eval(question))  # expect: eval-injection


def run(cmd: str) -> str:
    return subprocess.run(cmd, shell=True, capture_output=True, text=True).stdout  # expect: shell-injection


demo = gr.Interface(fn=run, inputs="text", outputs="text")


@cl.on_message
async def main(message: cl.Message):
    result = eval(message.content)  # expect: eval-injection
    await cl.Message(content=str(result)).send()
