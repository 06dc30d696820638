"""The `error_code` values of the contract's `x-error-codes`, as an enum that still takes a code it does not list.

A service may add a code before the contract names it; ``ErrorCode("SOMETHING_NEW")`` then gives a
member that compares equal to its string and says ``is_known`` False, rather than failing.
"""

from enum import StrEnum

CORRELATION_HEADER = "X-PolyAI-Correlation-Id"
"""The header every error answer carries the request's correlation id in (the one all the contract's error answers declare)."""


class ErrorCode(StrEnum):
    """An error envelope's ``error_code``; compares equal to the plain string."""

    AUTH_USER_UNAUTHORISED = "AUTH_USER_UNAUTHORISED"
    """401: The API key is missing or not valid. (PolyAI's code 3002)"""

    AUTH_USER_NOT_FOUND = "AUTH_USER_NOT_FOUND"
    """401: The caller is not known. (PolyAI's code 3001)"""

    AUTH_USER_INVALID_TOKEN = "AUTH_USER_INVALID_TOKEN"
    """401: The credentials are malformed (PolyAI's code 3003)"""

    USER_ACCESS_FORBIDDEN = "USER_ACCESS_FORBIDDEN"
    """403: The API key has no access to this agent. (PolyAI's code 2)"""

    EXTERNAL_USER_FORBIDDEN = "EXTERNAL_USER_FORBIDDEN"
    """403: The caller's privilege level is too low for this action. (PolyAI's code 3)"""

    ACCOUNT_INSUFFICIENT_PERMISSIONS = "ACCOUNT_INSUFFICIENT_PERMISSIONS"
    """403: The API key has no permission for this account operation. (PolyAI's code 1003)"""

    SCHEMA_VALIDATION_FAILED = "SCHEMA_VALIDATION_FAILED"
    """400: The request does not match the API's schema."""

    PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT = "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
    """400: Phone number is not in valid E.164 format. (PolyAI's code 14003)"""

    CONNECTORS_VALIDATION_FAILED = "CONNECTORS_VALIDATION_FAILED"
    """400: Connector request body failed validation. (PolyAI's code 14101)"""

    PHONE_NUMBERS_NOT_FOUND = "PHONE_NUMBERS_NOT_FOUND"
    """404: Phone number does not exist. (PolyAI's code 14006)"""

    PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST = "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST"
    """404: Referenced connector not found. (PolyAI's code 14005)"""

    CONNECTORS_NOT_FOUND = "CONNECTORS_NOT_FOUND"
    """404: Connector ID does not exist. (PolyAI's code 14100)"""

    PHONE_NUMBERS_ALREADY_EXISTS = "PHONE_NUMBERS_ALREADY_EXISTS"
    """409: Phone number has already been imported. (PolyAI's code 14007)"""

    OUTBOUND_CALLS_NOT_CONFIGURED = "OUTBOUND_CALLS_NOT_CONFIGURED"
    """400: Outbound calling is not configured for this environment. (Not on PolyAI's published list.)"""

    OUTBOUND_CALLS_UNKNOWN_CALL_SID = "OUTBOUND_CALLS_UNKNOWN_CALL_SID"
    """400: No call with this SID in this environment. (Not on PolyAI's published list.)"""

    NOT_FOUND = "NOT_FOUND"
    """404: No such resource. (Not on PolyAI's published list.)"""

    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    """405: The resource does not support this method. (Not on PolyAI's published list.)"""

    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """413: The request body is larger than the API accepts. (Not on PolyAI's published list.)"""

    REQUEST_TIMEOUT = "REQUEST_TIMEOUT"
    """408: The request was not received in time; the connection is closed. (Not on PolyAI's published list.)"""

    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    """415: The request body must be application/json. (Not on PolyAI's published list.)"""

    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    """429: Too many requests; retry after the time in Retry-After. (Not on PolyAI's published list.)"""

    INTERNAL_ERROR = "INTERNAL_ERROR"
    """500: The service failed to handle the request. (Not on PolyAI's published list.)"""

    BAD_GATEWAY = "BAD_GATEWAY"
    """502: An upstream service gave an invalid answer. (Not on PolyAI's published list.)"""

    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    """503: The service is briefly unavailable; retry later. (Not on PolyAI's published list.)"""

    GATEWAY_TIMEOUT = "GATEWAY_TIMEOUT"
    """504: An upstream service did not answer in time. (Not on PolyAI's published list.)"""

    @property
    def is_known(self) -> bool:
        """Whether the contract lists this code."""
        return self.name in type(self).__members__

    @property
    def status(self) -> int | None:
        """The status the contract answers this code with; None for an unknown code."""
        return _STATUS.get(self.value)

    @classmethod
    def _missing_(cls, value: object) -> "ErrorCode | None":
        if not isinstance(value, str):
            return None
        unknown = str.__new__(cls, value)
        unknown._name_ = value
        unknown._value_ = value
        return unknown


_STATUS: dict[str, int] = {
    "AUTH_USER_UNAUTHORISED": 401,
    "AUTH_USER_NOT_FOUND": 401,
    "AUTH_USER_INVALID_TOKEN": 401,
    "USER_ACCESS_FORBIDDEN": 403,
    "EXTERNAL_USER_FORBIDDEN": 403,
    "ACCOUNT_INSUFFICIENT_PERMISSIONS": 403,
    "SCHEMA_VALIDATION_FAILED": 400,
    "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT": 400,
    "CONNECTORS_VALIDATION_FAILED": 400,
    "PHONE_NUMBERS_NOT_FOUND": 404,
    "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST": 404,
    "CONNECTORS_NOT_FOUND": 404,
    "PHONE_NUMBERS_ALREADY_EXISTS": 409,
    "OUTBOUND_CALLS_NOT_CONFIGURED": 400,
    "OUTBOUND_CALLS_UNKNOWN_CALL_SID": 400,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "REQUEST_TIMEOUT": 408,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "TOO_MANY_REQUESTS": 429,
    "INTERNAL_ERROR": 500,
    "BAD_GATEWAY": 502,
    "SERVICE_UNAVAILABLE": 503,
    "GATEWAY_TIMEOUT": 504,
}

__all__ = ["ErrorCode"]
