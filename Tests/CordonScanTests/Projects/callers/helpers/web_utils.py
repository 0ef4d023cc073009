import requests


def download(url: str, dest: str) -> str:
    data = requests.get(url, timeout=30).content  # expect: ssrf
    # Near miss: the destination is the caller's constant, not the model's.
    with open(dest, "wb") as f:
        f.write(data)
    return dest
