from smolagents import CodeAgent

from plugins.calc import PageFetcher, Settings

settings = Settings()
agent = CodeAgent(tools=[PageFetcher()], model=None)
