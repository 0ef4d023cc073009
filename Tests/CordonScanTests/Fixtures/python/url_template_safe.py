# Near miss (qwen-agent's weather tool): the URL is the developer's template, held in an
# attribute and filled in with `.format`; the model chooses the city, not the host.
import os

import json5
import requests
from qwen_agent.tools.base import BaseTool, register_tool


@register_tool("amap_weather")
class AmapWeather(BaseTool):
    def __init__(self, cfg=None):
        super().__init__(cfg)
        self.url = "https://restapi.amap.com/v3/weather/weatherInfo?city={city}&key={key}"
        self.token = os.environ.get("AMAP_TOKEN", "")

    def call(self, params, **kwargs) -> str:
        params = json5.loads(params)
        location = params["location"]
        response = requests.get(self.url.format(city=location, key=self.token))
        return response.text
