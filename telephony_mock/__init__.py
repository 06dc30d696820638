"""A stateful mock of PolyAI's telephony API, compiled from openapi.yaml.

`create_app(load_config(path), admin=True)` gives an ASGI app for any server or for in-process
tests; `telephony-mock` (or `python -m telephony_mock`) serves it with uvicorn.
"""

from ._config import load_config
from .app import create_app

__all__ = ["create_app", "load_config"]
