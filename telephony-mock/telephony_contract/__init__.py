"""What the toolkit reads from openapi.yaml beyond its schemas, for every part that needs it.

`document` reads a contract (pointers, `$ref`s, its operations), `router` matches a request to an
operation and `sites` finds where an operation rests on an assumption.
`catalogue` says what each operation is (safe to repeat? places a call? which resource?) and
`envelope` builds the contract's error envelope; the mock, the conformance guard and checks, the
broken mocks and the tests all read these instead of restating them. `fields` says where a field
lives (an operation's parameters and request schema, a JSON pointer's place in a schema), and
`links` lints the contract's OpenAPI links with it. `hosts` says which hosts are this machine only.
"""

from .catalogue import Catalogue, Operation, is_safe_method, load_catalogue
from .document import HTTP_METHODS, SPEC_PATH, load_document, resolve
from .envelope import CORRELATION_HEADER, error_envelope, generic_code
from .hosts import is_loopback
from .router import Router
from .sites import Site

__all__ = [
    "CORRELATION_HEADER",
    "HTTP_METHODS",
    "SPEC_PATH",
    "Catalogue",
    "Operation",
    "Router",
    "Site",
    "error_envelope",
    "generic_code",
    "is_loopback",
    "is_safe_method",
    "load_catalogue",
    "load_document",
    "resolve",
]
