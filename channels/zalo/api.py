"""Sending through the Zalo OA API: ``POST {base}/v3.0/oa/message/cs`` with the ``access_token`` header.

Zalo answers HTTP 200 with ``{"error": 0, ...}`` on success and a negative ``error`` code otherwise.
The codes are handled by kind:

- token codes (the access token expired or is invalid): refresh the token once and resend;
- retryable codes (Zalo's rate limit) and transport failures (timeouts, 5xx, 429): resend with
  exponential backoff, up to ``max_attempts`` in all;
- reply-window codes (the user has not written to the OA recently, has not followed it, or
  blocked it): Zalo will not deliver any answer, so the message is logged and dropped — resending
  would only burn quota;
- anything else raises ``ZaloApiError``.

A reply carries the ``message_id`` of the user's message, which makes it a reply (inside the
free reply quota) rather than a message the OA sends on its own.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from channels.zalo.tokens import TokenManager

__all__ = ["REPLY_WINDOW_ERRORS", "RETRYABLE_ERRORS", "TOKEN_ERRORS", "ZaloApi", "ZaloApiError"]

log = logging.getLogger("dvcbot.channels.zalo")

TOKEN_ERRORS = frozenset({-216, -220, -124})  # access token invalid / expired
RETRYABLE_ERRORS = frozenset({-32})  # the app's request rate limit
REPLY_WINDOW_ERRORS = frozenset({-213, -230, -232, -244})  # not a follower / window closed / restricted
MESSAGE_PATH = "/v3.0/oa/message/cs"


class ZaloApiError(RuntimeError):
    def __init__(self, code: int, message: str) -> None:
        super().__init__(f"Zalo API error {code}: {message}")
        self.code = code


class ZaloApi:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        base_url: str,
        tokens: TokenManager,
        max_attempts: int = 3,
        retry_base_seconds: float = 0.5,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._http = http
        self._url = base_url.rstrip("/") + MESSAGE_PATH
        self._tokens = tokens
        self._attempts = max(1, max_attempts)
        self._base_delay = retry_base_seconds
        self._sleep = sleep

    async def send_text(self, user_id: str, text: str, *, reply_to: str | None = None) -> bool:
        """Send one text message; ``False`` when Zalo's reply window dropped it (already logged)."""
        recipient: dict[str, str] = {"user_id": user_id}
        if reply_to:
            recipient["message_id"] = reply_to
        return await self._post({"recipient": recipient, "message": {"text": text}}, user_id)

    async def _post(self, body: dict[str, Any], user_id: str) -> bool:
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = await self._tokens.access_token()
            try:
                response = await self._http.post(self._url, json=body, headers={"access_token": token})
            except httpx.TransportError as error:
                if attempt >= self._attempts:
                    raise
                log.warning("zalo send to %s failed (%s); retry %d", user_id, error, attempt)
                await self._backoff(attempt)
                continue
            if response.status_code >= 500 or response.status_code == 429:
                if attempt >= self._attempts:
                    raise ZaloApiError(response.status_code, f"HTTP {response.status_code}")
                await self._backoff(attempt)
                continue
            code, message = _error_of(response)
            if code == 0:
                return True
            if code in TOKEN_ERRORS and not refreshed:
                refreshed = True
                await self._tokens.refresh(stale=token)
                attempt -= 1  # a stale token is not the message's fault
                continue
            if code in RETRYABLE_ERRORS and attempt < self._attempts:
                await self._backoff(attempt)
                continue
            if code in REPLY_WINDOW_ERRORS:
                log.warning(
                    "zalo reply to %s dropped: outside Zalo's reply window or not allowed (error %d: %s)",
                    user_id, code, message,
                )
                return False
            raise ZaloApiError(code, message)

    async def _backoff(self, attempt: int) -> None:
        await self._sleep(self._base_delay * 2 ** (attempt - 1))


def _error_of(response: httpx.Response) -> tuple[int, str]:
    try:
        body = response.json()
    except ValueError:
        return -1, f"HTTP {response.status_code}, body is not JSON"
    if not isinstance(body, dict):
        return -1, "unexpected response"
    try:
        code = int(body.get("error", -1))
    except (TypeError, ValueError):
        code = -1
    return code, str(body.get("message") or "")
