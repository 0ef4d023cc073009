# Near misses: `register` decorators of registries that are not tool registries (atexit, a
# serializer table, functools.singledispatch); their functions get the developer's values.
import atexit
import functools

import requests

from .codecs import serializers


@atexit.register
def flush_cache(cache_path: str = "/var/cache/agent") -> None:
    with open(cache_path, "w") as f:
        f.write("")


@serializers.register
def load_profile(profile_path: str) -> str:
    with open(profile_path) as f:
        return f.read()


@functools.singledispatch
def render(value) -> str:
    return str(value)


@render.register
def _(url: str) -> str:
    return requests.get(url, timeout=10).text
