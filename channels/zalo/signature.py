"""Zalo OA webhook signatures: ``X-ZEvent-Signature: mac=<hex>``.

Zalo signs an event as ``sha256(app_id + raw body + timestamp + OA secret key)`` in hex, where the
timestamp is the event's own ``timestamp`` field and the key is the *OA* secret key (not the app's
secret). The check runs on the raw bytes as received — re-serialising the parsed JSON would change
them — and compares in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SIGNATURE_HEADER", "sign", "verify"]

SIGNATURE_HEADER = "X-ZEvent-Signature"


def sign(*, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """The header value Zalo sends for this body: ``"mac=<sha256 hex>"``."""
    digest = hashlib.sha256(
        app_id.encode("utf-8") + raw_body + timestamp.encode("utf-8") + oa_secret_key.encode("utf-8")
    ).hexdigest()
    return f"mac={digest}"


def verify(header: str | None, *, app_id: str, raw_body: bytes, timestamp: str, oa_secret_key: str) -> bool:
    if not header:
        return False
    given = header.strip()
    given = given[4:] if given.lower().startswith("mac=") else given
    expected = sign(app_id=app_id, raw_body=raw_body, timestamp=timestamp, oa_secret_key=oa_secret_key)[4:]
    return hmac.compare_digest(given.lower().encode("ascii", "replace"), expected.encode("ascii"))
