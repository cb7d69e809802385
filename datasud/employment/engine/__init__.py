"""The employment diagnostic engine: a library, no web code (see docs/employment.md)."""
from .core import Engine
from .errors import EngineError

__all__ = ["Engine", "EngineError"]
