"""A client library for accessing PolyAI Telephony API"""

from .client import DEFAULT_TIMEOUT, AuthenticatedClient, Client, RetryPolicy
from .errors import ApiError, InvalidResponse, PolyAIError, UnexpectedStatus

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
