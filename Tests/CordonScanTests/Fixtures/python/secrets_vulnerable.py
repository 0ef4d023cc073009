import psycopg2
from openai import OpenAI

client = OpenAI(api_key="sk-proj-4fT9xQ2mZr8LkP0vWb7NcY3hJd6GsE1aUo5iKt2RqVw8XyZbCd")  # expect: hardcoded-secret
AWS_ACCESS_KEY_ID = "AKIAZ7Q4RT2WX9L3MN6P"  # expect: hardcoded-secret
conn = psycopg2.connect("postgresql://agent:S3cr3tPassw0rd@db.internal:5432/agent")  # expect: password-in-url
