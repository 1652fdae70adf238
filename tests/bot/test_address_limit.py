"""The per-client-address request limit: new sender ids do not dodge it, other addresses are not
affected, and what is not covered (health, signed platform webhooks) stays open."""

from __future__ import annotations

import itertools
import uuid

import pytest
from fastapi.testclient import TestClient

from bot.api.app import create_app
from bot.service import Service
from bot.settings import Settings


@pytest.fixture(scope="module")
def limited_app(settings: Settings, service: Service) -> TestClient:
    server = settings.server.model_copy(update={"requests_per_minute_per_address": 6, "request_burst_per_address": 3})
    app = create_app(settings.model_copy(update={"server": server}), service)
    return TestClient(app)


# One address per test: random ones collided now and then (8 tests over 250 addresses), and the
# second test from an address found its burst already spent.
_HOSTS = itertools.count(1)


def from_address(client: TestClient, host: str) -> TestClient:
    return TestClient(client.app, client=(host, 40000))


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/webhooks/rest/webhook", {"message": "xin chào"}),
        ("POST", "/model/parse", {"text": "lệ phí cấp giấy phép lao động"}),
        ("GET", "/api/procedures?q=thất nghiệp", None),
        ("GET", "/api/procedures/work_permit_issue", None),
        ("POST", "/widget/messages", {"message": "xin chào"}),
        ("GET", "/widget/history?sender=w-1", None),
        ("GET", "/webhooks/rest/pending/someone", None),
        ("POST", "/feedback", {"sender": "f-1", "rating": 1, "answer": "Dạ"}),
    ],
)
def test_past_the_burst_an_address_gets_429_whatever_sender_it_claims(
    limited_app: TestClient, method: str, path: str, body: dict[str, object] | None
) -> None:
    client = from_address(limited_app, f"203.0.113.{next(_HOSTS)}")
    statuses = []
    for _ in range(4):
        payload = {**body, "sender": f"u-{uuid.uuid4().hex[:8]}"} if body and "message" in body else body
        statuses.append(client.request(method, path, json=payload).status_code)
    assert all(status != 429 for status in statuses[:3]), statuses
    assert statuses[3] == 429
    refused = client.request(method, path, json=body)
    assert refused.status_code == 429 and refused.headers["Retry-After"] == "10"
    assert refused.json()["error"].startswith("Dạ, anh/chị đang gửi quá nhiều yêu cầu")
    elsewhere = from_address(limited_app, "198.51.100.77" if "rest" in path else f"198.51.100.{len(path)}")
    assert elsewhere.request(method, path, json=body).status_code != 429


def test_an_ipv6_client_is_one_client_over_its_64(limited_app: TestClient) -> None:
    prefix = f"2001:db8:{uuid.uuid4().int % 65535:x}:1"
    statuses = [
        from_address(limited_app, f"{prefix}::{host:x}").post("/model/parse", json={"text": "xin chào"}).status_code
        for host in range(1, 5)
    ]
    assert statuses[:3] == [200, 200, 200] and statuses[3] == 429


def test_health_is_not_limited(limited_app: TestClient) -> None:
    client = from_address(limited_app, "192.0.2.200")
    assert {client.get("/health").status_code for _ in range(10)} <= {200, 503}
