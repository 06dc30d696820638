"""A client library for accessing PolyAI Telephony API"""

from .client import DEFAULT_TIMEOUT, AuthenticatedClient, Client, RetryPolicy
from .errors import ApiError, InvalidResponse, PolyAIError, UnexpectedStatus

__version__ = "1.1.0"
# The `info.version` of the contract this package was generated from.
__contract_version__ = "1.1.0"

__all__ = (
    "DEFAULT_TIMEOUT",
    "ApiError",
    "AuthenticatedClient",
    "Client",
    "InvalidResponse",
    "PolyAIError",
    "RetryPolicy",
    "UnexpectedStatus",
)
