"""Where and as whom ``PolyAI`` talks: the key, the region, the base URL and the agent.

Each comes from an argument, else its ``POLYAI_*`` environment variable, else (region and base
URL) the contract's ``servers`` entry. The key is required, and checked at construction rather
than answered with a 401 later.
"""

import logging
import os
from collections.abc import Mapping
from typing import TextIO
from urllib.parse import urlsplit

from attrs import field, frozen

from .errors import ConfigurationError

API_KEY_HEADER = "X-API-KEY"
SERVER_URL = "https://api.{region}.poly.ai"
REGIONS: tuple[str, ...] = (
    "us",
    "uk",
    "eu",
    "studio",
    "dev",
)
DEFAULT_REGION = "us"
MAX_BATCH_ITEMS = 1000
"""The most items one call may carry (the contract's ``x-limits.maxBatchItems``); longer lists are split."""

ENV_API_KEY = "POLYAI_API_KEY"
ENV_REGION = "POLYAI_REGION"
ENV_BASE_URL = "POLYAI_BASE_URL"
ENV_AGENT_ID = "POLYAI_AGENT_ID"
ENV_LOG = "POLYAI_LOG"


@frozen
class Settings:
    """The resolved connection settings of one client. The key is never part of the repr."""

    api_key: str = field(repr=False)
    base_url: str
    agent_id: str | None
    region: str | None


def resolve(
    *,
    api_key: str | None,
    region: str | None,
    base_url: str | None,
    agent_id: str | None,
    environ: Mapping[str, str] = os.environ,
) -> Settings:
    """Arguments first, then the environment, then the contract's defaults."""
    key = api_key if api_key is not None else environ.get(ENV_API_KEY)
    if not key:
        raise ConfigurationError(f"no API key: pass api_key= or set {ENV_API_KEY}")
    url = base_url or environ.get(ENV_BASE_URL)
    chosen_region = None
    if not url:
        chosen_region = region or environ.get(ENV_REGION) or DEFAULT_REGION
        if chosen_region not in REGIONS:
            raise ConfigurationError(f"unknown region {chosen_region!r}; the API is served in {', '.join(REGIONS)}")
        url = SERVER_URL.replace("{region}", chosen_region)
    else:
        _check_base_url(url, "base_url" if base_url else ENV_BASE_URL)
    return Settings(
        api_key=key,
        base_url=url.rstrip("/"),
        agent_id=agent_id or environ.get(ENV_AGENT_ID) or None,
        region=chosen_region,
    )


def _check_base_url(url: str, source: str) -> None:
    """Refuse at construction what would fail only at the first call: a URL without scheme or host."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{source} {url!r} is not an http:// or https:// URL with a host, such as http://127.0.0.1:8000"
        )


def configure_logging(environ: Mapping[str, str] = os.environ) -> None:
    """``POLYAI_LOG=debug`` (or ``info``) logs this package's requests to stderr; the key is always redacted."""
    level = environ.get(ENV_LOG, "").strip().upper()
    if level not in ("DEBUG", "INFO"):
        return
    logger = logging.getLogger(__package__)
    logger.setLevel(level)
    if not any(isinstance(handler, _StderrHandler) for handler in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        logger.addHandler(handler)


class _StderrHandler(logging.StreamHandler[TextIO]):
    """The handler ``POLYAI_LOG`` adds, once however many clients are built."""


__all__ = ["MAX_BATCH_ITEMS", "REGIONS", "Settings", "configure_logging", "resolve"]
