"""``DossierStatusClient`` over HTTP (httpx, async): timeouts, retries with backoff, a circuit breaker.

``GET {base_url}{lookup_path}`` with the API key in a header; 200 is read through the configured
``FieldMapping``, 404 means "no such dossier", anything else after the retries means the system is
unavailable. Only failures that another try may fix (timeouts, connection errors, 5xx, 429) are
retried; a 401 is a configuration error and is reported at once.

Whatever goes wrong inside a call — a body that cannot be decoded (bad gzip), a bug below the
client — counts as a failure for the circuit breaker, releases its half-open trial and reaches the
dialogue as ``DossierServiceUnavailable``, so the applicant is told and the turn is kept. A record
whose code is not the one asked for (a backend mixing up dossiers) is never returned.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from dataclasses import dataclass
from urllib.parse import quote

import httpx

from knowledge.dossier.breaker import CircuitBreaker
from knowledge.dossier.client import DossierDataError, DossierServiceUnavailable
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.models import DossierRecord

__all__ = ["HttpClientOptions", "HttpDossierStatusClient"]

log = logging.getLogger("dvcbot.dossier.client")
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class HttpClientOptions:
    base_url: str
    lookup_path: str = "/api/dossiers/{code}"
    api_key: str = ""
    api_key_header: str = "X-API-Key"
    timeout_seconds: float = 3.0
    retries: int = 2
    backoff_seconds: float = 0.2


class _Retryable(Exception):
    pass


class HttpDossierStatusClient:
    """Reads one dossier per call; safe to share between conversations."""

    def __init__(
        self,
        options: HttpClientOptions,
        mapping: FieldMapping,
        *,
        breaker: CircuitBreaker | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._options = options
        self._mapping = mapping
        self.breaker = breaker or CircuitBreaker()
        self._transport = transport
        self._headers = {"Accept": "application/json"}
        if options.api_key:
            self._headers[options.api_key_header] = options.api_key
        # Pooled connections belong to the event loop that opened them: one httpx client per loop.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None:
            client = httpx.AsyncClient(
                base_url=self._options.base_url,
                headers=self._headers,
                timeout=httpx.Timeout(self._options.timeout_seconds),
                transport=self._transport,
            )
            self._clients[loop] = client
        return client

    async def lookup(self, code: str) -> DossierRecord | None:
        if not self.breaker.allow():
            raise DossierServiceUnavailable("circuit open: the status system failed repeatedly")
        try:
            record = await self._lookup(code)
        except DossierServiceUnavailable:
            self.breaker.record_failure()
            raise
        except Exception as error:
            self.breaker.record_failure()
            log.exception("dossier lookup failed unexpectedly")
            raise DossierServiceUnavailable(f"unexpected {type(error).__name__}") from error
        except BaseException:  # cancelled: the trial must not stay taken
            self.breaker.record_failure()
            raise
        self.breaker.record_success()
        return record

    async def _lookup(self, code: str) -> DossierRecord | None:
        path = self._options.lookup_path.format(code=quote(code, safe=""))
        attempts = 1 + max(0, self._options.retries)
        for attempt in range(attempts):
            try:
                record = await self._attempt(path)
            except _Retryable as error:
                log.warning("dossier lookup attempt %d/%d failed: %s", attempt + 1, attempts, error)
                if attempt + 1 < attempts:
                    await asyncio.sleep(self._options.backoff_seconds * 2**attempt)
                    continue
                raise DossierServiceUnavailable(str(error)) from error
            if record is not None and _comparable(record.code) != _comparable(code):
                raise DossierDataError("the status system answered with another dossier's record")
            return record
        raise AssertionError("unreachable")  # pragma: no cover

    async def _attempt(self, path: str) -> DossierRecord | None:
        try:
            # The outer timeout also bounds transports that ignore httpx's own (in-process ASGI).
            async with asyncio.timeout(self._options.timeout_seconds):
                response = await self._http().get(path)
        except (TimeoutError, httpx.TimeoutException) as error:
            raise _Retryable(f"timed out after {self._options.timeout_seconds} s") from error
        except httpx.TransportError as error:
            raise _Retryable(f"transport error: {type(error).__name__}") from error
        except httpx.DecodingError as error:  # e.g. "Content-Encoding: gzip" on a body that is not
            raise DossierDataError("the status system's response could not be decoded") from error
        if response.status_code == 404:
            return None
        if response.status_code in _RETRYABLE_STATUS:
            raise _Retryable(f"HTTP {response.status_code}")
        if response.status_code != 200:
            raise DossierServiceUnavailable(f"HTTP {response.status_code} from the status system")
        try:
            body = response.json()
        except ValueError as error:
            raise DossierDataError("the status system answered with invalid JSON") from error
        return self._mapping.read(body)

    async def aclose(self) -> None:
        """Close the connections opened on the running event loop."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()


def _comparable(code: str) -> str:
    """Codes as systems may write the same one: ``000.00.15.h29-240312-0042`` is ``000.00.15.H29-240312-0042``."""
    return "".join(code.split()).upper()
