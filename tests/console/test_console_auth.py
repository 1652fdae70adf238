"""Nothing under /console or its API without a login; CSRF refused; roles; the login form's own CSRF."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from console.staff import Role, StaffStore
from tests.console.conftest import PASSWORD, log_in, new_staff

GETS = [
    "/console/api/queue",
    "/console/api/handoffs/1",
    "/console/api/stats",
    "/console/api/curator",
    "/console/api/lookups",
    "/console/static/console.js",
    "/console/static/charts.js",
    "/console/static/console.css",
]
POSTS = [
    ("/api/agent-assist/suggest", {"text": "lệ phí cấp giấy phép lao động"}),
    ("/api/agent-assist/feedback", {"suggestion_id": 1, "kind": "wrong"}),
    ("/console/api/handoffs/1/take", None),
    ("/console/api/handoffs/1/reply", {"text": "chào anh"}),
    ("/console/api/handoffs/1/close", None),
    ("/console/api/dossiers/lookup", {"code": "000.00.15.H29-240312-0042"}),
    ("/console/logout", None),
]


def fresh(client: TestClient) -> TestClient:
    client.cookies.clear()
    return client


def test_without_a_session_every_api_is_403_and_the_page_redirects(open_app_client: TestClient) -> None:
    client = fresh(open_app_client)
    page = client.get("/console", follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"] == "/console/login"
    for path in GETS:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "đăng nhập" in response.json()["error"]
    for path, body in POSTS:
        assert client.post(path, json=body).status_code == 403, path
    client.cookies.set("dvcbot_staff", "a-forged-session-value")
    assert client.get("/console/api/queue").status_code == 403


def test_a_logged_in_post_without_the_csrf_token_is_refused(
    open_app_client: TestClient, staff_store: StaffStore
) -> None:
    client = fresh(open_app_client)
    csrf = log_in(client, new_staff(staff_store))
    question = {"text": "lệ phí cấp giấy phép lao động bao nhiêu"}
    assert client.post("/api/agent-assist/suggest", json=question).status_code == 403
    wrong = client.post("/api/agent-assist/suggest", json=question, headers={"X-CSRF-Token": "not-" + csrf})
    assert wrong.status_code == 403 and "CSRF" in wrong.json()["error"]
    right = client.post("/api/agent-assist/suggest", json=question, headers={"X-CSRF-Token": csrf})
    assert right.status_code == 200 and right.json()["suggestions"]
    assert client.get("/console/api/queue").status_code == 200
    assert client.get("/console/static/console.js").status_code == 200


def test_agents_cannot_open_the_supervisor_view(open_app_client: TestClient, staff_store: StaffStore) -> None:
    client = fresh(open_app_client)
    log_in(client, new_staff(staff_store, Role.AGENT))
    assert client.get("/console/api/stats").status_code == 403
    assert client.get("/console/api/curator").status_code == 403
    client = fresh(open_app_client)
    log_in(client, new_staff(staff_store, Role.SUPERVISOR))
    stats = client.get("/console/api/stats")
    assert stats.status_code == 200 and len(stats.json()["days"]) == 14


def test_the_login_form_refuses_a_post_without_its_csrf_token(
    open_app_client: TestClient, staff_store: StaffStore
) -> None:
    client = fresh(open_app_client)
    name = new_staff(staff_store)
    forged = client.post("/console/login", data={"name": name, "password": PASSWORD}, follow_redirects=False)
    assert forged.status_code == 403
    client.get("/console/login")
    other = client.post(
        "/console/login",
        data={"csrf_token": "guessed", "name": name, "password": PASSWORD},
        follow_redirects=False,
    )
    assert other.status_code == 403
    assert "dvcbot_staff" not in client.cookies


@pytest.mark.parametrize("attempts", [5])
def test_repeated_failed_logins_lock_the_account(
    open_app_client: TestClient, staff_store: StaffStore, attempts: int
) -> None:
    client = fresh(open_app_client)
    name = new_staff(staff_store)

    def attempt(password: str) -> int:
        form = client.get("/console/login")
        token = re.search(r'name="csrf_token" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
        return client.post(
            "/console/login",
            data={"csrf_token": token, "name": name, "password": password},
            follow_redirects=False,
        ).status_code

    codes = [attempt(f"sai-mat-khau-{i}") for i in range(attempts)]
    assert codes == [401] * (attempts - 1) + [423]
    assert attempt(PASSWORD) == 423  # the right password while locked
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_logout_ends_the_session(open_app_client: TestClient, staff_store: StaffStore) -> None:
    client = fresh(open_app_client)
    csrf = log_in(client, new_staff(staff_store))
    cookie = client.cookies.get("dvcbot_staff")
    assert client.post("/console/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.set("dvcbot_staff", cookie or "")
    assert client.get("/console/api/queue").status_code == 403
