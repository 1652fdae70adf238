"""``GET /api/procedures`` and ``GET /api/procedures/{code}`` on a catalogue with portal records imported."""

from __future__ import annotations

from fastapi.testclient import TestClient

SUMMARY_KEYS = {
    "code",
    "national_code",
    "name",
    "field",
    "level",
    "agency",
    "source",
    "url",
    "checked_on",
    "score",
}


def test_search_shape(imported_client: TestClient) -> None:
    response = imported_client.get("/api/procedures", params={"q": "đăng ký khai sinh", "limit": 5})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"query", "field", "count", "results"}
    assert body["query"] == "đăng ký khai sinh" and body["count"] == len(body["results"]) == 5
    assert all(set(result) == SUMMARY_KEYS for result in body["results"])
    assert body["results"][0]["name"] == "Thủ tục đăng ký khai sinh"
    scores = [r["score"] for r in body["results"]]
    assert scores == sorted(scores, reverse=True)


def test_query_without_diacritics_ranks_the_same(imported_client: TestClient) -> None:
    marked = imported_client.get("/api/procedures", params={"q": "cấp thẻ công chứng viên"}).json()
    plain = imported_client.get("/api/procedures", params={"q": "cap the cong chung vien"}).json()
    assert [r["code"] for r in plain["results"]] == [r["code"] for r in marked["results"]]
    assert plain["results"][0]["code"] == "nc_1_013859"


def test_field_filter(imported_client: TestClient) -> None:
    body = imported_client.get("/api/procedures", params={"q": "đăng ký", "field": "ho_tich"}).json()
    assert body["field"] == "ho_tich" and body["results"]
    assert {r["field"] for r in body["results"]} == {"ho_tich"}


def test_curated_procedures_are_searchable_too(imported_client: TestClient) -> None:
    body = imported_client.get(
        "/api/procedures", params={"q": "gia han giay phep lao dong", "limit": 1}
    ).json()
    assert body["results"][0]["code"] == "work_permit_extension"
    assert body["results"][0]["source"] == "curated"


def test_detail(imported_client: TestClient) -> None:
    response = imported_client.get("/api/procedures/nc_1_013818")
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == "Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng"
    assert [c["processing_time"] for c in body["channels"]] == ["15 ngày làm việc"] * 3
    assert [b["number"] for b in body["legal_basis"]] == [
        "64/2025/TT-BTC",
        "257/2016/TT-BTC",
        "06/2025/TT-BTP",
    ]
    assert body["documents"][2]["form"] == "Mẫu TP-TSCC-10.doc" and body["unconfirmed"] == {}
    assert imported_client.get("/api/procedures/1.013818").json()["code"] == "nc_1_013818"  # by national code


def test_unconfirmed_fields_are_visible(imported_client: TestClient) -> None:
    body = imported_client.get("/api/procedures/nc_1_004757").json()
    assert body["unconfirmed"] == {
        "fee": "không tách được từ bản ghi",
        "processing_time": "không tách được từ bản ghi",
    }


def test_unknown_code_is_404_json(imported_client: TestClient) -> None:
    response = imported_client.get("/api/procedures/khong_co")
    assert response.status_code == 404
    assert set(response.json()) == {"error"} and "khong_co" in response.json()["error"]


def test_bad_limit_is_422_json(imported_client: TestClient) -> None:
    response = imported_client.get("/api/procedures", params={"q": "x", "limit": 0})
    assert response.status_code == 422 and "error" in response.json()
