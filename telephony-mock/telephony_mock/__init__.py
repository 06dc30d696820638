"""A stateful mock of PolyAI's telephony API, compiled from openapi.yaml.

`create_app(load_config(path), admin=True)` gives an ASGI app for any server or for in-process
tests; `telephony-mock` (or `python -m telephony_mock`) serves it with uvicorn. `ConfigError`
(a config file the mock refuses) and `SpecError` (a spec it cannot honour) are what start-up
raises. `ApiError` and `Call` are what a rule passed to `create_app(rules=...)` raises and gets.
`ADMIN_KEY_HEADER` is the header an admin request carries the config's admin key in.
"""

from ._admin import KEY_HEADER as ADMIN_KEY_HEADER
from ._config import ConfigError, load_config
from ._errors import ApiError
from ._rules import Call
from ._spec import SpecError
from .app import create_app

__all__ = ["ADMIN_KEY_HEADER", "ApiError", "Call", "ConfigError", "SpecError", "create_app", "load_config"]
