# A cache that unpickles a file it never wrote: the path comes from its caller, and nothing in
# the object pickles into it. Whoever can put a file there runs code in the agent.
import pickle


class ResultCache:
    def __init__(self, cache_path: str) -> None:
        self.cache_path = cache_path

    def load(self) -> dict:
        with open(self.cache_path, "rb") as file:
            return pickle.load(file)  # expect: unsafe-deserialization

    def save_json(self, data) -> None:
        with open(self.cache_path + ".json", "w") as file:
            file.write(str(data))
