"""A client library for accessing PolyAI Telephony API"""

from .client import DEFAULT_TIMEOUT, AuthenticatedClient, Client, RetryPolicy
from .error_codes import ErrorCode
from .errors import (
    ApiConnectionError,
    ApiError,
    ApiTimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    InvalidArgumentError,
    InvalidResponse,
    NotFoundError,
    PermissionDeniedError,
    PolyAIError,
    RateLimitError,
    ServerError,
    UnexpectedStatus,
    WaitTimeoutError,
)
from .polyai import AsyncPolyAI, PolyAI
from .settings import MAX_BATCH_ITEMS
from .transport import RawResponse, RequestOptions
from .types import UNSET, Unset

__version__ = "1.2.0"
# The `info.version` of the contract this package was generated from.
__contract_version__ = "1.2.0"

__all__ = (
    "ApiConnectionError",
    "ApiError",
    "ApiTimeoutError",
    "AsyncPolyAI",
    "AuthenticatedClient",
    "AuthenticationError",
    "BadRequestError",
    "Client",
    "ClientClosedError",
    "ConfigurationError",
    "ConflictError",
    "DEFAULT_TIMEOUT",
    "ErrorCode",
    "InvalidArgumentError",
    "InvalidResponse",
    "MAX_BATCH_ITEMS",
    "NotFoundError",
    "PermissionDeniedError",
    "PolyAI",
    "PolyAIError",
    "RateLimitError",
    "RawResponse",
    "RequestOptions",
    "RetryPolicy",
    "ServerError",
    "UNSET",
    "UnexpectedStatus",
    "Unset",
    "WaitTimeoutError",
)
