"""The engine's domain errors: each carries a French message for the person and a code."""


class EngineError(ValueError):
    """Input the engine cannot answer (unknown code, empty text...) or missing data."""

    def __init__(self, message: str, code: str = "invalid"):
        self.code = code
        super().__init__(message)
