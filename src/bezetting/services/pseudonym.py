"""Customer identifiers become keyed hashes before anything is stored.

HMAC-SHA256 keyed with ``BEZETTING_PSEUDONYM_KEY``: the same customer always gets the same
pseudonym (so repeat contacts, and hence first-time-right, can be measured), but without the
key the pseudonym cannot be linked back to a phone number or customer number, not even by
trying all of them. Surrounding white space is ignored; nothing else is normalised, so export
identifiers in one consistent form.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["pseudonymise"]


def pseudonymise(customer_id: str, *, key: bytes) -> str:
    """The 64-hex-digit HMAC-SHA256 of ``customer_id`` (stripped, UTF-8) under ``key``.

    Example:
        >>> pseudonymise("what do ya want for nothing?", key=b"Jefe")[:16]
        '5bdcc146bf60754e'
    """
    if not key:
        raise ValueError("the pseudonym key is empty; set BEZETTING_PSEUDONYM_KEY")
    return hmac.new(key, customer_id.strip().encode("utf-8"), hashlib.sha256).hexdigest()
