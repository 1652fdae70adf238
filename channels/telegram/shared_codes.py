"""Telegram's short ``callback_data`` codes kept in Redis, so a button sent by one worker works on any.

``PayloadCodes`` (``channels.telegram.render``) remembers in one process which payload a ``#…``
code stands for; behind a load balancer the click may reach another worker, which would answer
"this choice expired". ``RedisPayloadCodes`` has the same two methods and keeps each code for
``ttl_seconds`` (a day by default: a keyboard older than that is stale anyway). Redis unreachable:
encoding falls back to this worker's memory (the button still works if the click comes back here)
and decoding answers ``None`` (the polite "this choice expired").
"""

from __future__ import annotations

import hashlib
from typing import Any

from redis.exceptions import RedisError

from channels.telegram.render import MAX_CALLBACK_BYTES, PayloadCodes

__all__ = ["RedisPayloadCodes"]

_CODE_PREFIX = "#"


class RedisPayloadCodes(PayloadCodes):
    def __init__(self, client: Any, *, ttl_seconds: float = 24 * 3600, prefix: str = "dvcbot:") -> None:
        super().__init__()
        self._redis = client
        self._ttl = max(1, int(ttl_seconds))
        self._prefix = prefix

    def encode(self, payload: str) -> str:
        if len(payload.encode("utf-8")) <= MAX_CALLBACK_BYTES and not payload.startswith(_CODE_PREFIX):
            return payload
        code = _CODE_PREFIX + hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]
        try:
            self._redis.set(f"{self._prefix}tgcode:{code}", payload.encode("utf-8"), ex=self._ttl)
        except (RedisError, OSError):
            return super().encode(payload)
        return code

    def decode(self, data: str) -> str | None:
        if not data.startswith(_CODE_PREFIX):
            return data
        try:
            stored = self._redis.get(f"{self._prefix}tgcode:{data}")
        except (RedisError, OSError):
            stored = None
        if stored is None:
            return super().decode(data)
        return stored.decode("utf-8") if isinstance(stored, bytes) else str(stored)
