# Near misses: the same front ends with the user's text parsed as a literal, passed as one
# argument of a fixed program, and used as a number.
import ast
import subprocess

import chainlit as cl
import gradio as gr
import streamlit as st

numbers = st.text_input("Numbers, as a Python list")
if numbers:
    st.write(sum(ast.literal_eval(numbers)))


def lookup(word: str) -> str:
    return subprocess.run(["dict", "--", word], capture_output=True, text=True).stdout


demo = gr.Interface(fn=lookup, inputs="text", outputs="text")


@cl.on_message
async def main(message: cl.Message):
    await cl.Message(content=str(int(message.content) * 2)).send()
