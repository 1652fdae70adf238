"""Zalo OA access tokens, refreshed before they expire.

An OA access token lives about 25 hours; the OAuth ``refresh_token`` flow (``POST oauth_url`` with
``app_id``, ``refresh_token``, ``grant_type=refresh_token`` and the app's ``secret_key`` header)
returns a new pair. Zalo refresh tokens are single-use, so every new pair is saved at once
(``FileTokenStore`` when a ``token_file`` is configured) — a restart with the old refresh token would
lock the OA out. Concurrent senders share one refresh (a lock, and a check that the token they saw
fail is still the current one).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Protocol

import httpx

__all__ = ["FileTokenStore", "MemoryTokenStore", "TokenManager", "TokenPair", "TokenRefreshError", "TokenStore"]

log = logging.getLogger("dvcbot.channels.zalo")


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_at: float = 0.0  # unix seconds; 0 = unknown


class TokenStore(Protocol):
    def load(self) -> TokenPair | None: ...

    def save(self, pair: TokenPair) -> None: ...


class MemoryTokenStore:
    def __init__(self) -> None:
        self._pair: TokenPair | None = None

    def load(self) -> TokenPair | None:
        return self._pair

    def save(self, pair: TokenPair) -> None:
        self._pair = pair


class FileTokenStore:
    """The current pair as JSON in ``path``, written atomically and readable by the owner only."""

    def __init__(self, path: Path) -> None:
        self._path = path

    def load(self) -> TokenPair | None:
        try:
            data = json.loads(self._path.read_text(encoding="utf-8"))
            return TokenPair(str(data["access_token"]), str(data["refresh_token"]), float(data.get("expires_at", 0)))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as error:
            log.error("zalo token file %s unreadable (%s); using the configured tokens", self._path, error)
            return None

    def save(self, pair: TokenPair) -> None:
        temporary = self._path.with_suffix(self._path.suffix + ".tmp")
        temporary.write_text(json.dumps(asdict(pair)), encoding="utf-8")
        os.chmod(temporary, 0o600)
        os.replace(temporary, self._path)


class TokenRefreshError(RuntimeError):
    pass


class TokenManager:
    def __init__(
        self,
        *,
        http: httpx.AsyncClient,
        oauth_url: str,
        app_id: str,
        app_secret_key: str,
        configured: TokenPair,
        store: TokenStore,
        margin_seconds: float = 300.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._http = http
        self._oauth_url = oauth_url
        self._app_id = app_id
        self._app_secret_key = app_secret_key
        self._store = store
        self._margin = margin_seconds
        self._clock = clock
        self._current = store.load() or configured
        self._lock = asyncio.Lock()

    @property
    def current(self) -> TokenPair:
        return self._current

    async def access_token(self) -> str:
        """A token valid for at least ``margin_seconds`` more, refreshing first if needed."""
        expires_at = self._current.expires_at
        if expires_at and self._clock() >= expires_at - self._margin:
            await self.refresh(stale=self._current.access_token)
        return self._current.access_token

    async def refresh(self, *, stale: str | None = None) -> None:
        """Trade the refresh token for a new pair, unless another caller already replaced ``stale``."""
        async with self._lock:
            if stale is not None and self._current.access_token != stale:
                return
            if not self._current.refresh_token or not self._app_secret_key:
                raise TokenRefreshError("no refresh token or app secret key configured for Zalo")
            response = await self._http.post(
                self._oauth_url,
                data={
                    "app_id": self._app_id,
                    "refresh_token": self._current.refresh_token,
                    "grant_type": "refresh_token",
                },
                headers={"secret_key": self._app_secret_key},
            )
            try:
                body = response.json()
            except ValueError as error:
                raise TokenRefreshError(f"token refresh answered HTTP {response.status_code}, not JSON") from error
            if response.status_code != 200 or not isinstance(body, dict) or not body.get("access_token"):
                detail = body.get("error_description") or body.get("error") if isinstance(body, dict) else body
                raise TokenRefreshError(f"token refresh failed (HTTP {response.status_code}): {detail}")
            lifetime = float(body.get("expires_in") or 0)
            pair = TokenPair(
                access_token=str(body["access_token"]),
                refresh_token=str(body.get("refresh_token") or self._current.refresh_token),
                expires_at=self._clock() + lifetime if lifetime else 0.0,
            )
            self._store.save(pair)
            self._current = pair
            log.info("zalo access token refreshed; valid for %.0f s", lifetime)
