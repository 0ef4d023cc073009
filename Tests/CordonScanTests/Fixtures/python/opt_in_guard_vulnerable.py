# An opt-in flag that only warns is no guard; a method outside the guarded one is not covered;
# and opting in is itself the finding.
import pickle
import warnings


class VectorIndex:
    @classmethod
    def load(cls, folder: str, *, allow_dangerous_deserialization: bool = False):
        if allow_dangerous_deserialization:
            warnings.warn("loading a pickle")
        with open(f"{folder}/index.pkl", "rb") as f:
            return pickle.load(f)  # expect: unsafe-deserialization

    def load_blob(self, data: bytes):
        return pickle.loads(data)  # expect: unsafe-deserialization


index = VectorIndex.load("idx", allow_dangerous_deserialization=True)  # expect: unsafe-deserialization
