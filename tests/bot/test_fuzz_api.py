"""Property-based fuzzing of every operation in the OpenAPI description, over a real uvicorn server.

schemathesis turns each operation of the app's OpenAPI (and of the embedded reference dossier
service's) into a Hypothesis strategy of requests — valid ones and, in negative mode, ones that break
the schema — and one kept-alive HTTP connection sends them all. Whatever is sent, the service must
answer without a 5xx and without closing the connection (a 500 used to close it: issue 10, HIGH 3).
The run is bounded and deterministic (``derandomize``, ``MAX_EXAMPLES`` per operation and mode), so it
takes seconds; it runs on SQLite, in production-like settings too, and on PostgreSQL when
``DVCBOT_TEST_POSTGRES_URL`` is set. A failure prints the request that broke it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from bot.api.app import create_app
from bot.service import Service, build_service
from bot.settings import Settings
from tests.servers import ServerThread

POSTGRES = os.environ.get("DVCBOT_TEST_POSTGRES_URL")
MAX_EXAMPLES = 40  # per operation and generation mode
TOKEN = "fuzz-action-server-token-0123456789"


@dataclass
class Tally:
    """What the fuzzer saw: requests sent, status codes, server errors, connections lost."""

    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def fuzz_settings(settings: Settings, environment: str) -> Settings:
    return settings.model_copy(update={
        "environment": environment,
        "action_server": settings.action_server.model_copy(update={"token": TOKEN}),
    })


@pytest.fixture(scope="module", params=["sqlite", "sqlite-production", "postgresql"])
def fuzzed(request: pytest.FixtureRequest, settings: Settings, service: Service) -> Iterator[tuple[Service, ServerThread]]:
    """The session's assistant (or one on PostgreSQL) behind a real server, action server on."""
    store, _, environment = str(request.param).partition("-")
    built = service
    if store == "postgresql":
        if not POSTGRES:
            pytest.skip("DVCBOT_TEST_POSTGRES_URL not set")
        stores = settings.stores.model_copy(update={"tracker_url": POSTGRES, "catalogue_url": POSTGRES})
        built = build_service(settings.model_copy(update={"stores": stores}))
    with ServerThread(create_app(fuzz_settings(settings, environment or "development"), built)) as server:
        yield built, server


def local_port(response: httpx.Response) -> int:
    return int(response.extensions["network_stream"].get_extra_info("client_addr")[1])


def transport_kwargs(case: Any, base_url: str) -> dict[str, Any]:
    """schemathesis' request (shaped for ``requests``) as ``httpx.Client.request`` arguments."""
    sent = case.as_transport_kwargs(base_url=base_url)
    kwargs: dict[str, Any] = {
        "method": sent["method"], "url": sent["url"], "headers": sent.get("headers") or {},
        "params": sent.get("params"), "cookies": sent.get("cookies"),
    }
    if "json" in sent:
        kwargs["json"] = sent["json"]
    data = sent.get("data")
    if isinstance(data, (bytes, str)):
        kwargs["content"] = data
    elif data is not None:
        kwargs["data"] = data
    return kwargs


def fuzz(schema: Any, client: httpx.Client, base_url: str, tally: Tally, headers: dict[str, str]) -> None:
    port: list[int] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @hypothesis_settings(
                max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
                phases=[Phase.explicit, Phase.generate], print_blob=False,
                suppress_health_check=list(HealthCheck),
            )
            @given(case=operation.as_strategy(generation_mode=mode))
            def one(case: Any) -> None:
                kwargs = transport_kwargs(case, base_url)
                kwargs["headers"] = {**kwargs["headers"], **headers}
                label = f"{kwargs['method']} {kwargs['url']} params={kwargs['params']!r}"
                tally.sent += 1
                try:
                    response = client.request(**kwargs)
                except httpx.TransportError as error:  # the server closed or reset the connection
                    tally.dropped.append(f"{label}: {type(error).__name__}")
                    return
                tally.statuses[response.status_code] = tally.statuses.get(response.status_code, 0) + 1
                if response.status_code >= 500:
                    tally.server_errors.append(f"{label} body={kwargs.get('json', kwargs.get('content'))!r} "
                                               f"→ {response.status_code} {response.text[:200]}")
                if port and local_port(response) != port[0]:
                    tally.dropped.append(f"{label}: answered on a new connection")
                port[:] = [local_port(response)]

            try:
                one()
            except Unsatisfiable:  # nothing to break in an operation without parameters
                assert mode is GenerationMode.NEGATIVE


def test_no_request_gets_a_5xx_or_loses_the_connection(fuzzed: tuple[Service, ServerThread]) -> None:
    built, server = fuzzed
    started = time.perf_counter()
    app_schema = schemathesis.openapi.from_dict(create_app(built.settings, built).openapi())
    assert built.dossier is not None and built.dossier.reference_app is not None
    dossier_schema = schemathesis.openapi.from_dict(built.dossier.reference_app.openapi())
    tally = Tally()
    with httpx.Client(limits=httpx.Limits(max_connections=1), timeout=30) as client:
        fuzz(app_schema, client, server.url, tally, {"Authorization": f"Bearer {TOKEN}"})
        prefix = built.settings.dossier.service.prefix
        fuzz(dossier_schema, client, server.url + prefix, tally, {"X-API-Key": built.dossier.service_api_key})
    seconds = time.perf_counter() - started
    print(f"fuzz: {tally.sent} requests in {seconds:.1f} s, statuses {dict(sorted(tally.statuses.items()))}")
    assert tally.sent > 100
    assert tally.server_errors == [], "\n".join(tally.server_errors[:20])
    assert tally.dropped == [], "\n".join(tally.dropped[:20])
