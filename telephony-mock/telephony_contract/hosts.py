"""Which hosts are this machine only, for the two rules that trust them.

The guard lets a run speak plain http to a loopback base URL (the mock), and the mock serves its
admin endpoints without a key only on a loopback host.
"""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only: 127.0.0.0/8, ::1 or `localhost`."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
