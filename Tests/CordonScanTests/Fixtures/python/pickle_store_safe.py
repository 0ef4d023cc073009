# Near miss (crewAI's PickleHandler): an object that pickles its own data into a file it
# names and reads back that same file. What it unpickles is what this code wrote.
import os
import pickle


class PickleHandler:
    def __init__(self, file_name: str) -> None:
        if not file_name.endswith(".pkl"):
            file_name += ".pkl"
        self.file_path = os.path.join(os.getcwd(), file_name)

    def save(self, data) -> None:
        with open(self.file_path, "wb") as file:
            pickle.dump(data, file)

    def load(self) -> dict:
        if not os.path.exists(self.file_path) or os.path.getsize(self.file_path) == 0:
            return {}
        with open(self.file_path, "rb") as file:
            return pickle.load(file)
