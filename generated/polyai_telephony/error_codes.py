"""The `error_code` values of the contract's `x-error-codes`, as an enum that still takes a code it does not list.

A service may add a code before the contract names it; ``ErrorCode("SOMETHING_NEW")`` then gives a
member that compares equal to its string and says ``is_known`` False, rather than failing.
"""

from enum import StrEnum


class ErrorCode(StrEnum):
    """An error envelope's ``error_code``; compares equal to the plain string."""

    PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT = "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT"
    """400: Phone number is not in valid E.164 format."""

    PHONE_NUMBERS_NOT_FOUND = "PHONE_NUMBERS_NOT_FOUND"
    """404: Phone number does not exist."""

    PHONE_NUMBERS_ALREADY_EXISTS = "PHONE_NUMBERS_ALREADY_EXISTS"
    """409: Phone number has already been imported."""

    PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST = "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST"
    """404: Referenced connector not found."""

    CONNECTORS_NOT_FOUND = "CONNECTORS_NOT_FOUND"
    """404: Connector ID does not exist."""

    CONNECTORS_VALIDATION_FAILED = "CONNECTORS_VALIDATION_FAILED"
    """400: Connector request body failed validation."""

    REQUEST_VALIDATION_FAILED = "REQUEST_VALIDATION_FAILED"
    """400: The request does not match the API's schema. (not in PolyAI's published list)"""

    MALFORMED_JSON = "MALFORMED_JSON"
    """400: The request body is not valid JSON. (not in PolyAI's published list)"""

    UNAUTHORIZED = "UNAUTHORIZED"
    """401: The X-API-KEY header is missing or the key is not valid. (not in PolyAI's published list)"""

    FORBIDDEN = "FORBIDDEN"
    """403: The API key has no access to this agent. (not in PolyAI's published list)"""

    NOT_FOUND = "NOT_FOUND"
    """404: No such resource. (not in PolyAI's published list)"""

    METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
    """405: The resource does not support this method. (not in PolyAI's published list)"""

    PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
    """413: The request body is larger than the API accepts. (not in PolyAI's published list)"""

    UNSUPPORTED_MEDIA_TYPE = "UNSUPPORTED_MEDIA_TYPE"
    """415: The request body must be application/json. (not in PolyAI's published list)"""

    TOO_MANY_REQUESTS = "TOO_MANY_REQUESTS"
    """429: Too many requests; retry after the time in Retry-After. (not in PolyAI's published list)"""

    INTERNAL_ERROR = "INTERNAL_ERROR"
    """500: The service failed to handle the request. (not in PolyAI's published list)"""

    BAD_GATEWAY = "BAD_GATEWAY"
    """502: An upstream service gave an invalid answer. (not in PolyAI's published list)"""

    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    """503: The service is briefly unavailable; retry later. (not in PolyAI's published list)"""

    GATEWAY_TIMEOUT = "GATEWAY_TIMEOUT"
    """504: An upstream service did not answer in time. (not in PolyAI's published list)"""

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
    "PHONE_NUMBERS_INVALID_PHONE_NUMBER_FORMAT": 400,
    "PHONE_NUMBERS_NOT_FOUND": 404,
    "PHONE_NUMBERS_ALREADY_EXISTS": 409,
    "PHONE_NUMBERS_CONNECTOR_DOES_NOT_EXIST": 404,
    "CONNECTORS_NOT_FOUND": 404,
    "CONNECTORS_VALIDATION_FAILED": 400,
    "REQUEST_VALIDATION_FAILED": 400,
    "MALFORMED_JSON": 400,
    "UNAUTHORIZED": 401,
    "FORBIDDEN": 403,
    "NOT_FOUND": 404,
    "METHOD_NOT_ALLOWED": 405,
    "PAYLOAD_TOO_LARGE": 413,
    "UNSUPPORTED_MEDIA_TYPE": 415,
    "TOO_MANY_REQUESTS": 429,
    "INTERNAL_ERROR": 500,
    "BAD_GATEWAY": 502,
    "SERVICE_UNAVAILABLE": 503,
    "GATEWAY_TIMEOUT": 504,
}

__all__ = ["ErrorCode"]
