"""The HTTP dossier client against real local servers: a slow one, a failing one, another system's
JSON, and the reference one-stop service itself."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Header
from fastapi.responses import JSONResponse, Response
from sqlalchemy import create_engine

from knowledge.dossier.breaker import CircuitBreaker
from knowledge.dossier.client import DossierServiceUnavailable
from knowledge.dossier.http_client import HttpClientOptions, HttpDossierStatusClient
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.models import DossierStatus
from knowledge.dossier.reference_service import create_dossier_service_app, seed_demo_dossiers
from knowledge.dossier.settings import REFERENCE_FIELDS, REFERENCE_STATUSES
from tests.servers import ServerThread, closed_port_url

KEY = "test-key"
CODE = "000.00.15.H29-240312-0042"
OTHER_MAPPING = FieldMapping(
    fields={"code": "soHoSo", "status": "tinhTrang", "procedure": "tenTTHC", "due_on": "hanTra",
            "phone": "dienThoai"},
    statuses={"1": "received", "2": "processing", "4": "result_ready"},
    record_path="data",
)


class OtherSystem:
    """A provincial system with its own JSON, plus endpoints that are slow, broken or flaky."""

    def __init__(self) -> None:
        self.calls: dict[str, int] = {}
        self.app = FastAPI()

        @self.app.get("/{mode}/{code}")
        async def lookup(mode: str, code: str, x_api_key: str | None = Header(default=None)) -> Any:
            self.calls[mode] = self.calls.get(mode, 0) + 1
            if x_api_key != KEY:
                return JSONResponse(status_code=401, content={"error": "no key"})
            if mode == "slow":
                await asyncio.sleep(1)
            if mode == "fail" or (mode == "flaky" and self.calls[mode] <= 2):
                return JSONResponse(status_code=503, content={"error": "maintenance"})
            if code != CODE:
                return JSONResponse(status_code=404, content={"error": "not found"})
            if mode == "badgzip":  # says gzip, is not: httpx raises DecodingError reading it
                return Response(b"this is not gzip", media_type="application/json", headers={"Content-Encoding": "gzip"})
            if mode == "another":  # a backend bug: the record of another applicant's dossier
                return {"data": {"soHoSo": "000.00.15.H29-240312-0043", "tinhTrang": 2, "dienThoai": "0912345678"}}
            return {"data": {"soHoSo": CODE, "tinhTrang": 4, "tenTTHC": "Giải quyết hưởng trợ cấp thất nghiệp",
                             "hanTra": "02/04/2024", "dienThoai": "0912345678"}}


@pytest.fixture(scope="module")
def other() -> Iterator[tuple[OtherSystem, str]]:
    system = OtherSystem()
    with ServerThread(system.app) as server:
        yield system, server.url


def client_for(url: str, mode: str, *, key: str = KEY, timeout: float = 0.3, retries: int = 2,
               breaker: CircuitBreaker | None = None) -> HttpDossierStatusClient:
    return HttpDossierStatusClient(
        HttpClientOptions(base_url=url, lookup_path=f"/{mode}/{{code}}", api_key=key, timeout_seconds=timeout,
                          retries=retries, backoff_seconds=0.01),
        OTHER_MAPPING,
        breaker=breaker,
    )


def test_field_mapping_over_http(other: tuple[OtherSystem, str]) -> None:
    _, url = other
    record = asyncio.run(client_for(url, "ok").lookup(CODE))
    assert record is not None
    assert record.status is DossierStatus.RESULT_READY
    assert record.procedure == "Giải quyết hưởng trợ cấp thất nghiệp"
    assert record.verification_suffixes == frozenset({"5678"})


def test_unknown_code_is_none_not_an_error(other: tuple[OtherSystem, str]) -> None:
    _, url = other
    assert asyncio.run(client_for(url, "ok").lookup("000.00.15.H29-240312-9999")) is None


def test_slow_server_times_out_after_the_retries(other: tuple[OtherSystem, str]) -> None:
    system, url = other
    before = system.calls.get("slow", 0)
    started = time.monotonic()
    with pytest.raises(DossierServiceUnavailable, match="timed out"):
        asyncio.run(client_for(url, "slow", timeout=0.2, retries=1).lookup(CODE))
    assert time.monotonic() - started < 0.9  # 2 tries of 0.2 s, not the server's 1 s
    assert system.calls["slow"] - before == 2


def test_failing_server_is_retried_then_the_circuit_opens(other: tuple[OtherSystem, str]) -> None:
    system, url = other
    breaker = CircuitBreaker(failure_threshold=2, reset_seconds=60)
    client = client_for(url, "fail", retries=2, breaker=breaker)

    async def three_lookups() -> list[str]:
        outcomes = []
        for _ in range(3):
            try:
                await client.lookup(CODE)
            except DossierServiceUnavailable as error:
                outcomes.append(str(error))
        return outcomes

    outcomes = asyncio.run(three_lookups())
    assert outcomes[:2] == ["HTTP 503", "HTTP 503"]
    assert "circuit open" in outcomes[2]
    assert system.calls["fail"] == 6  # 2 lookups x 3 tries; the third never reached the server
    assert breaker.state == "open"


def test_a_flaky_server_is_saved_by_the_retries(other: tuple[OtherSystem, str]) -> None:
    _, url = other
    record = asyncio.run(client_for(url, "flaky", retries=2).lookup(CODE))
    assert record is not None and record.code == CODE


def test_a_wrong_api_key_is_not_retried(other: tuple[OtherSystem, str]) -> None:
    system, url = other
    before = system.calls.get("ok", 0)
    with pytest.raises(DossierServiceUnavailable, match="HTTP 401"):
        asyncio.run(client_for(url, "ok", key="wrong").lookup(CODE))
    assert system.calls["ok"] - before == 1


def test_nothing_listening() -> None:
    with pytest.raises(DossierServiceUnavailable, match="transport error"):
        asyncio.run(client_for(closed_port_url(), "ok", retries=1, timeout=5.0).lookup(CODE))


def test_a_bad_gzip_body_is_an_outage_and_releases_the_half_open_trial(other: tuple[OtherSystem, str]) -> None:
    _, url = other
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=0.0)
    breaker.record_failure()  # open; with no reset time, the next call is the half-open trial
    with pytest.raises(DossierServiceUnavailable, match="could not be decoded"):
        asyncio.run(client_for(url, "badgzip", breaker=breaker).lookup(CODE))
    record = asyncio.run(client_for(url, "ok", breaker=breaker).lookup(CODE))  # the trial was released
    assert record is not None and breaker.state == "closed"


def test_any_exception_in_a_call_counts_as_a_failure_and_releases_the_trial() -> None:
    async def broken(request: httpx.Request) -> httpx.Response:
        raise RuntimeError("a bug below the client")

    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=0.0)
    breaker.record_failure()
    client = HttpDossierStatusClient(
        HttpClientOptions(base_url="http://status.invalid", retries=0), OTHER_MAPPING, breaker=breaker,
        transport=httpx.MockTransport(broken),
    )
    for _ in range(2):  # the second call is a new trial, not "circuit open"
        with pytest.raises(DossierServiceUnavailable, match="RuntimeError"):
            asyncio.run(client.lookup(CODE))


def test_the_record_of_another_dossier_is_never_returned(other: tuple[OtherSystem, str]) -> None:
    _, url = other
    with pytest.raises(DossierServiceUnavailable, match="another dossier"):
        asyncio.run(client_for(url, "another").lookup(CODE))


def test_breaker_half_open_lets_one_trial_through() -> None:
    now = [0.0]
    breaker = CircuitBreaker(failure_threshold=1, reset_seconds=10, clock=lambda: now[0])
    breaker.record_failure()
    assert breaker.state == "open" and not breaker.allow()
    now[0] = 10.0
    assert breaker.allow() and not breaker.allow()  # one trial at a time
    breaker.record_failure()
    assert breaker.state == "open"
    now[0] = 20.0
    assert breaker.allow()
    breaker.record_success()
    assert breaker.state == "closed" and breaker.allow()


# The reference service ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # A file, as deployed: one in-memory connection shared by the server's threads let one request's
    # session teardown (after its response) end the next request's transaction ("cannot commit").
    database = tmp_path_factory.mktemp("reference") / "dossiers.db"
    engine = create_engine(f"sqlite:///{database}", connect_args={"check_same_thread": False})
    seed_demo_dossiers(engine)
    with ServerThread(create_dossier_service_app(engine=engine, api_key=KEY)) as server:
        yield server.url


def reference_client(url: str) -> HttpDossierStatusClient:
    return HttpDossierStatusClient(
        HttpClientOptions(base_url=url, api_key=KEY),
        FieldMapping(fields=REFERENCE_FIELDS, statuses=REFERENCE_STATUSES),
    )


def test_reference_service_demo_has_every_status(reference: str) -> None:
    from knowledge.dossier.reference_service.seed import DEMO_DOSSIERS

    async def statuses() -> set[DossierStatus]:
        client = reference_client(reference)
        found = set()
        for demo in DEMO_DOSSIERS:
            record = await client.lookup(demo.code)
            assert record is not None and record.verify("5678") and record.verify("4321")
            found.add(record.status)
        return found

    assert asyncio.run(statuses()) == set(DossierStatus)


def test_reference_service_create_update_and_steps(reference: str) -> None:
    code = "000.00.20.H01-250101-0100"
    headers = {"X-API-Key": KEY}
    with httpx.Client(base_url=reference, headers=headers) as http:
        created = http.post("/api/dossiers", json={
            "maHoSo": code.lower(), "tenThuTuc": "Giải quyết hưởng trợ cấp thất nghiệp",
            "soDienThoai": "0987654321", "ngayTiepNhan": "2025-01-01", "ngayHenTra": "2025-01-21",
        })
        assert created.status_code == 201 and created.json()["maHoSo"] == code
        assert http.post("/api/dossiers", json={"maHoSo": code, "tenThuTuc": "X", "ngayTiepNhan": "2025-01-01"}).status_code == 409
        step = http.post(f"/api/dossiers/{code}/steps", json={"tenBuoc": "Thẩm định hồ sơ", "donVi": "Phòng Việc làm",
                                                              "trangThai": "DANG_XU_LY"})
        assert step.status_code == 201
        assert [s["tenBuoc"] for s in step.json()["quaTrinhXuLy"]] == ["Thẩm định hồ sơ"]
        updated = http.patch(f"/api/dossiers/{code}", json={"trangThai": "CHO_BO_SUNG", "noiDungBoSung": ["Sổ BHXH"]})
        assert updated.status_code == 200
        assert http.patch(f"/api/dossiers/{code}", json={"trangThai": "XONG"}).status_code == 422
        assert http.get(f"/api/dossiers/{code}", headers={"X-API-Key": "wrong"}).status_code == 401
        assert http.get("/api/dossiers/000.00.20.H01-250101-0999").json() == {"error": "dossier not found"}
    record = asyncio.run(reference_client(reference).lookup(code))
    assert record is not None
    assert record.status is DossierStatus.SUPPLEMENT_REQUIRED
    assert record.step == "Thẩm định hồ sơ" and record.department == "Phòng Việc làm"
    assert record.missing == ("Sổ BHXH",)
    assert record.verification_suffixes == frozenset({"4321"})
