"""A stateful mock of PolyAI's telephony API, compiled from openapi.yaml (see README.md).

`create_app` builds the ASGI app, `telephony-mock` serves it; `PolyAIMock`, `mocked()` and the
pytest plugin are the test kit.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._admin import KEY_HEADER as ADMIN_KEY_HEADER
    from ._config import ConfigError, MockConfig, load_config
    from ._errors import ApiError
    from ._in_process import InProcessTransport
    from ._request_log import RecordedCall, RequestLog
    from ._rules import Call
    from ._spec import SpecError
    from .app import create_app
    from .kit import PolyAIMock, mocked

# Each public name's module, imported on first use: the pytest plugin (telephony_mock.pytest_plugin)
# is loaded by every pytest run in an environment with this package, and must cost it nothing.
_WHERE = {
    "ADMIN_KEY_HEADER": ("._admin", "KEY_HEADER"),
    "ApiError": ("._errors", "ApiError"),
    "Call": ("._rules", "Call"),
    "ConfigError": ("._config", "ConfigError"),
    "InProcessTransport": ("._in_process", "InProcessTransport"),
    "MockConfig": ("._config", "MockConfig"),
    "PolyAIMock": (".kit", "PolyAIMock"),
    "RecordedCall": ("._request_log", "RecordedCall"),
    "RequestLog": ("._request_log", "RequestLog"),
    "SpecError": ("._spec", "SpecError"),
    "create_app": (".app", "create_app"),
    "load_config": ("._config", "load_config"),
    "mocked": (".kit", "mocked"),
}


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _WHERE[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module, __name__), attribute)
    globals()[name] = value
    return value


__all__ = [
    "ADMIN_KEY_HEADER",
    "ApiError",
    "Call",
    "ConfigError",
    "InProcessTransport",
    "MockConfig",
    "PolyAIMock",
    "RecordedCall",
    "RequestLog",
    "SpecError",
    "create_app",
    "load_config",
    "mocked",
]
