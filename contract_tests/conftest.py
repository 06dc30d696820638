"""pytest wiring for the conformance suite.

Importing the hooks module registers the custom checks and the E.164 strategy for every test
here, the same module schemathesis.toml names for `schemathesis run`.
"""

from __future__ import annotations

import contract_tests.hooks  # noqa: F401 - registers the checks and the E.164 format
