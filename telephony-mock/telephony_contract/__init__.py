"""What the toolkit reads from openapi.yaml beyond its schemas, for every part that needs it.

`catalogue` says what each operation is (safe to repeat? places a call? which resource?) and
`envelope` builds the contract's error envelope; the mock, the conformance guard and checks, the
broken mocks and the tests all read these instead of restating them. `fields` says where a field
lives (an operation's parameters and request schema, a JSON pointer's place in a schema), and
`links` lints the contract's OpenAPI links with it. `hosts` says which hosts are this machine only.
"""

from .catalogue import Catalogue, Operation, load_catalogue
from .document import SPEC_PATH, load_document
from .envelope import CORRELATION_HEADER, error_envelope, generic_code
from .hosts import is_loopback

__all__ = [
    "CORRELATION_HEADER",
    "SPEC_PATH",
    "Catalogue",
    "Operation",
    "error_envelope",
    "generic_code",
    "is_loopback",
    "load_catalogue",
    "load_document",
]
