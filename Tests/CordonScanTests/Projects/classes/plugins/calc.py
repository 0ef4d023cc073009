# Plain classes the agent in main.py registers by instance: the model calls them.
import requests


class PageFetcher:
    def __call__(self, url: str) -> str:
        return requests.get(url, timeout=10).text  # expect: ssrf


class Settings:
    # Near miss: never registered.
    def run(self, url: str) -> str:
        return requests.get(url, timeout=10).text
