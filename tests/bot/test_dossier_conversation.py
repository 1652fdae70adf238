"""Dossier status by chat, as an applicant has it through the REST channel.

The reference one-stop service runs inside the app (``/dossier-service``) with its demo dossiers;
tests that change a dossier or fail verifications create their own through the service's API, so
limits and alerts never leak from one test into another.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from actions.registry import build_actions
from bot.agent import Agent
from bot.messages import BotMessage, UserMessage
from bot.outputs import CollectingOutput
from bot.service import Service, field_names
from knowledge.dossier.client import DossierServiceUnavailable, DossierStatusClient
from knowledge.dossier.http_client import HttpClientOptions, HttpDossierStatusClient
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.models import DossierRecord
from knowledge.dossier.reference_service.seed import DEMO_ID_NUMBER, DEMO_PHONE
from knowledge.dossier.settings import REFERENCE_FIELDS, REFERENCE_STATUSES
from tests.conftest import joined, pending, say
from tests.servers import ServerThread, closed_port_url

PROCESSING = "000.00.15.H29-240312-0042"
DEMO = {
    "received": ("000.00.15.H29-250301-0001", ["Mới tiếp nhận", "chưa cần làm gì thêm"]),
    "processing": (PROCESSING, ["Đang xử lý", "Kết quả dự kiến trả ngày"]),
    "supplement_required": (
        "000.00.15.H29-250302-0003",
        ["Chờ bổ sung hồ sơ", "Giấy tờ cần bổ sung", "Giấy chứng nhận sức khỏe", "nộp bổ sung tại"],
    ),
    "result_ready": ("000.00.15.H29-250303-0004", ["Đã có kết quả", "để nhận kết quả"]),
    "returned": ("000.00.15.H29-250304-0005", ["Đã trả kết quả", "đã hoàn tất"]),
    "overdue": ("000.00.15.H29-250305-0006", ["Quá hạn xử lý", "thành thật xin lỗi", "18001096"]),
    "rejected": ("000.00.15.H29-250306-0007", ["Từ chối giải quyết", "Lý do: Người lao động đã có việc làm"]),
}
ASK_DIGITS = "4 số cuối của số điện thoại hoặc số CCCD"
ASK_CODE = "cho em xin mã hồ sơ"


def sender() -> str:
    return f"dossier-{uuid.uuid4().hex[:8]}"


def api(service: Service) -> dict[str, str]:
    assert service.dossier is not None
    return {"X-API-Key": service.dossier.service_api_key}


def new_dossier(client: TestClient, service: Service, status: str = "DANG_XU_LY", **fields: Any) -> str:
    """A dossier of this test's own, created as a one-stop system would push it."""
    serial = uuid.uuid4().int
    code = f"000.{serial % 100:02d}.{serial // 100 % 100:02d}.H{serial // 10**4 % 100:02d}-250101-{serial // 10**6 % 10**4:04d}"
    body = {
        "maHoSo": code, "tenThuTuc": "Giải quyết hưởng trợ cấp thất nghiệp", "soDienThoai": "0987 650 011",
        "soGiayTo": "079201000022", "ngayTiepNhan": dt.date.today().isoformat(),
        "ngayHenTra": (dt.date.today() + dt.timedelta(days=10)).isoformat(), "trangThai": status,
        "buocHienTai": "Thẩm định hồ sơ", "donViXuLy": "Trung tâm Dịch vụ việc làm tỉnh", **fields,
    }
    response = client.post("/dossier-service/api/dossiers", json=body, headers=api(service))
    assert response.status_code == 201, response.text
    return code


def unknown_code() -> str:
    serial = uuid.uuid4().int
    return f"000.99.{serial % 100:02d}.H99-250101-{serial // 100 % 10**4:04d}"


def look_up(client: TestClient, user: str, code: str, digits: str) -> list[dict[str, Any]]:
    asked = joined(say(client, user, f"hồ sơ {code} sao rồi"))
    assert ASK_DIGITS in asked, asked
    return say(client, user, digits)


def shown(replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What the user sees, without the recipient id (which differs between users)."""
    return [{k: v for k, v in reply.items() if k != "recipient_id"} for reply in replies]


# Every status -------------------------------------------------------------------------------------
@pytest.mark.parametrize("status", list(DEMO))
def test_every_status_in_plain_vietnamese(client: TestClient, status: str) -> None:
    code, expected = DEMO[status]
    user = sender()
    asked = joined(say(client, user, "tra cứu hồ sơ"))
    assert ASK_CODE in asked and "000.00.15.H29-240312-0042" in asked
    assert ASK_DIGITS in joined(say(client, user, code))
    text = joined(say(client, user, "5678"))
    assert text.startswith(f"Dạ, thông tin hồ sơ {code}:")
    for part in ("- Thủ tục: ", "- Ngày tiếp nhận: ", "- Ngày hẹn trả kết quả: ", "- Bước hiện tại: ", "👉"):
        assert part in text
    for part in expected:
        assert part in text, part


def test_a_dossier_past_its_due_date_is_told_as_overdue(client: TestClient, service: Service) -> None:
    yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    code = new_dossier(client, service, "DANG_XU_LY", ngayHenTra=yesterday)
    text = joined(look_up(client, sender(), code, "0011"))
    assert "Quá hạn xử lý" in text and "xin lỗi" in text and "18001096" in text


def test_the_cccd_digits_verify_too(client: TestClient) -> None:
    assert "Đang xử lý" in joined(look_up(client, sender(), PROCESSING, "4 số cuối cccd là 4321"))


# The code, typed in several ways -----------------------------------------------------------------
@pytest.mark.parametrize(
    "message",
    [
        "hồ sơ 000.00.15.H29-240312-0042 sao rồi",
        "hồ sơ 000.00.15.h29-240312-0042 sao rồi",
        "tra cứu hồ sơ 000.00.15.h29 240312 0042",
        "kiểm tra giúp em hồ sơ mã 0000015H29-240312-0042",
        "ho so 000 00 15 h29 240312 0042 den dau roi",
    ],
)
def test_a_code_in_the_first_message_skips_the_question(client: TestClient, message: str) -> None:
    user = sender()
    assert ASK_DIGITS in joined(say(client, user, message))
    assert "Đang xử lý" in joined(say(client, user, "5678"))


@pytest.mark.parametrize(
    "answer", ["000.00.15.h29-240312-0042", "000.00.15.H29 240312 0042", "0000015H29-240312-0042", "mã là 000 00 15 H29 240312 0042 ạ"]
)
def test_a_code_given_when_asked(client: TestClient, answer: str) -> None:
    user = sender()
    say(client, user, "tra cứu hồ sơ")
    assert ASK_DIGITS in joined(say(client, user, answer))
    assert PROCESSING in joined(say(client, user, "là 5678"))


def test_a_malformed_code_is_explained_and_asked_again(client: TestClient) -> None:
    user = sender()
    say(client, user, "tra cứu hồ sơ")
    replies = say(client, user, "000.00.15.H29-24031-0042")
    assert replies[0]["text"].startswith('Dạ, mã "000.00.15.H29-24031-0042" chưa đúng dạng mã hồ sơ')
    assert 'phần thứ 2 ("24031") có 5 chữ số, cần 6 chữ số' in replies[0]["text"]
    assert ASK_CODE in replies[-1]["text"]
    assert ASK_DIGITS in joined(say(client, user, "000.00.15.H29-240312-0042"))


def test_a_phone_number_typed_as_a_code_is_not_echoed(client: TestClient) -> None:
    user = sender()
    say(client, user, "tra cứu hồ sơ")
    text = joined(say(client, user, "0912345678"))
    assert "chưa đúng dạng" in text and "0912345678" not in text and "******5678" in text


def test_digits_are_checked_before_the_lookup(client: TestClient) -> None:
    user = sender()
    say(client, user, f"hồ sơ {PROCESSING} sao rồi")
    replies = say(client, user, "12")
    assert replies[0]["text"].startswith("Dạ, em cần đúng 4 chữ số cuối")
    assert ASK_DIGITS in replies[-1]["text"]
    assert "Đang xử lý" in joined(say(client, user, "5678"))


# Verification, enumeration, limits ----------------------------------------------------------------
def test_wrong_digits_reveal_nothing(client: TestClient, service: Service) -> None:
    code = new_dossier(client, service)
    text = joined(look_up(client, sender(), code, "1234"))
    assert "chưa xác minh được" in text
    assert code not in text and "trợ cấp thất nghiệp" not in text and "Đang xử lý" not in text


def test_an_unknown_code_and_wrong_digits_get_identical_replies(client: TestClient, service: Service) -> None:
    known, unknown = new_dossier(client, service), unknown_code()
    first, second = sender(), sender()
    asked_known = say(client, first, f"hồ sơ {known} sao rồi")
    asked_unknown = say(client, second, f"hồ sơ {unknown} sao rồi")
    assert shown(asked_known) == shown(asked_unknown)
    wrong_digits = say(client, first, "1234")
    no_such_code = say(client, second, "1234")
    assert shown(wrong_digits) == shown(no_such_code)
    assert json.dumps(shown(wrong_digits), ensure_ascii=False) == json.dumps(shown(no_such_code), ensure_ascii=False)


def test_three_failed_verifications_from_one_address_lock_the_code_there(client: TestClient, service: Service) -> None:
    """Every sender of the shared client comes from one address: new conversations do not reset the count."""
    code = new_dossier(client, service)
    for attempt in range(3):
        assert "chưa xác minh được" in joined(look_up(client, sender(), code, f"12{attempt}9"))
    locked = joined(look_up(client, sender(), code, "0011"))  # the right digits, too late
    assert "tạm dừng tra cứu" in locked and "18001096" in locked
    assert "Đang xử lý" not in locked
    # An unknown code locks the same way, with the same words.
    unknown = unknown_code()
    for attempt in range(3):
        look_up(client, sender(), unknown, f"12{attempt}9")
    assert joined(look_up(client, sender(), unknown, "0011")) == locked


def test_ten_lookups_per_conversation_then_a_polite_lock_out(service: Service) -> None:
    # Straight to the agent: 22 messages in a row are more than the REST channel's own rate limit allows.
    user = sender()
    for _ in range(10):
        talk(service.agent, user, f"hồ sơ {PROCESSING} sao rồi")
        assert "Đang xử lý" in (talk(service.agent, user, "5678")[0].text or "")
    (locked,) = talk(service.agent, user, "tra cứu hồ sơ")
    assert locked.text is not None and locked.text.startswith("Dạ") and "tạm dừng tra cứu" in locked.text
    assert "Đang xử lý" not in "\n".join(m.text or "" for m in talk(service.agent, user, f"hồ sơ {PROCESSING} sao rồi"))


def test_no_full_phone_or_id_number_in_replies_trackers_or_logs(
    client: TestClient, service: Service, caplog: pytest.LogCaptureFixture
) -> None:
    user = sender()
    caplog.set_level(logging.DEBUG)
    say(client, user, f"hồ sơ {PROCESSING} sao rồi, cccd của tôi {DEMO_ID_NUMBER}")
    replies = say(client, user, f"sđt em là {DEMO_PHONE}")
    assert "Đang xử lý" in joined(replies)
    stored = json.dumps(service.agent.store.retrieve(user).events, ensure_ascii=False)
    for number in (DEMO_PHONE, DEMO_ID_NUMBER, "0912 345 678"):
        assert number not in joined(replies) and number not in stored and number not in caplog.text
    tracker = service.agent.store.retrieve(user)
    assert tracker.get_slot("verification_digits") is None  # kept only until the lookup
    digits_set = [e["value"] for e in tracker.events if e.get("event") == "slot" and e.get("name") == "verification_digits"]
    assert all(value is None or len(value) == 4 for value in digits_set)


# The status system down or slow --------------------------------------------------------------------
@dataclasses.dataclass
class SwitchableClient:
    """A test double for the port: down until told otherwise, then the real in-process client."""

    real: DossierStatusClient
    down: bool = True

    async def lookup(self, code: str) -> DossierRecord | None:
        if self.down:
            raise DossierServiceUnavailable("down for the test")
        return await self.real.lookup(code)


def agent_with_client(service: Service, dossier_client: DossierStatusClient) -> Agent:
    assert service.dossier is not None
    deps = dataclasses.replace(service.dossier.deps, client=dossier_client)
    actions = build_actions(
        catalogue=service.catalogue, field_names=field_names(service.settings),
        links=deps.links, dossier=deps,
    )
    agent = service.agent
    return Agent(interpreter=agent.interpreter, domain=agent.domain, policy=agent.policy, store=agent.store,
                 actions=actions, config=agent.config)


def talk(agent: Agent, user: str, text: str) -> list[BotMessage]:
    return asyncio.run(agent.handle(UserMessage(text=text, sender_id=user)))


def http_client(url: str) -> HttpDossierStatusClient:
    return HttpDossierStatusClient(
        HttpClientOptions(base_url=url, timeout_seconds=0.2, retries=1, backoff_seconds=0.01),
        FieldMapping(fields=REFERENCE_FIELDS, statuses=REFERENCE_STATUSES),
    )


@pytest.fixture(scope="module")
def slow_server() -> Iterator[str]:
    app = FastAPI()

    @app.get("/api/dossiers/{code}")
    async def slow(code: str) -> dict[str, str]:
        await asyncio.sleep(0.6)  # longer than the client's 0.2 s timeout, twice
        return {}

    with ServerThread(app) as server:
        yield server.url


@pytest.mark.parametrize("system", ["down", "slow"])
def test_status_system_down_or_slow(service: Service, slow_server: str, system: str) -> None:
    agent = agent_with_client(service, http_client(closed_port_url() if system == "down" else slow_server))
    user = sender()
    talk(agent, user, f"hồ sơ {PROCESSING} sao rồi")
    (reply,) = talk(agent, user, "5678")
    assert reply.text is not None and reply.text.startswith("Dạ, hệ thống tra cứu hồ sơ đang bận")
    assert "18001096" in reply.text
    assert reply.buttons == [{"title": "🔄 Thử lại", "payload": f'/check_dossier_status{{"dossier_code": "{PROCESSING}"}}'}]
    # The conversation goes on.
    answer = "\n".join(m.text or "" for m in talk(agent, user, "lệ phí cấp giấy phép lao động bao nhiêu"))
    assert "Phí, lệ phí" in answer


def test_retry_after_an_outage_does_not_ask_again(service: Service) -> None:
    assert service.dossier is not None and service.dossier.deps.client is not None
    switchable = SwitchableClient(service.dossier.deps.client)
    agent = agent_with_client(service, switchable)
    user = sender()
    talk(agent, user, f"hồ sơ {PROCESSING} sao rồi")
    (down,) = talk(agent, user, "5678")
    switchable.down = False
    retried = talk(agent, user, down.buttons[0]["payload"])
    assert retried[0].text is not None and retried[0].text.startswith(f"Dạ, thông tin hồ sơ {PROCESSING}")


# Alerts ----------------------------------------------------------------------------------------------
def subscribe(client: TestClient, service: Service, status: str = "DANG_XU_LY") -> tuple[str, str]:
    code, user = new_dossier(client, service, status), sender()
    replies = look_up(client, user, code, "0011")
    assert replies[0]["buttons"][0]["payload"] == "/subscribe_dossier_status"
    confirmed = joined(say(client, user, "báo cho tôi khi có kết quả"))
    assert confirmed.startswith("Dạ, em đã ghi nhận") and code in confirmed
    return code, user


def update(client: TestClient, service: Service, code: str, **fields: Any) -> None:
    response = client.patch(f"/dossier-service/api/dossiers/{code}", json=fields, headers=api(service))
    assert response.status_code == 200, response.text


def test_alert_after_an_update_through_the_service_api(client: TestClient, service: Service) -> None:
    code, user = subscribe(client, service)
    update(client, service, code, trangThai="DA_CO_KET_QUA", buocHienTai="Trả kết quả")
    alerts = pending(client, user)
    assert len(alerts) == 1 and alerts[0]["recipient_id"] == user
    assert alerts[0]["text"].startswith(f"Dạ, em xin báo: hồ sơ {code}")
    assert '"Đã có kết quả"' in alerts[0]["text"]
    assert pending(client, user) == []  # delivered once
    update(client, service, code, trangThai="DA_TRA_KET_QUA")  # the alert ended with the result
    assert pending(client, user) == []


def test_alert_comes_before_the_next_reply_when_not_fetched(client: TestClient, service: Service) -> None:
    code, user = subscribe(client, service)
    step = client.post(
        f"/dossier-service/api/dossiers/{code}/steps",
        json={"tenBuoc": "Thẩm định hồ sơ", "trangThai": "CHO_BO_SUNG"}, headers=api(service),
    )
    assert step.status_code == 201
    update(client, service, code, noiDungBoSung=["Sổ bảo hiểm xã hội"])  # no status change: no second alert
    replies = say(client, user, "cảm ơn")
    assert len(replies) == 2
    assert '"Chờ bổ sung hồ sơ"' in replies[0]["text"] and "không có gì" in replies[1]["text"]
    assert say(client, user, "cảm ơn")[0]["text"].startswith("Dạ, không có gì")


def test_alert_on_a_channel_that_can_push(client: TestClient, service: Service) -> None:
    assert service.outputs is not None
    pushed = CollectingOutput()
    service.outputs.register("test-push", pushed.send)
    code, user = new_dossier(client, service), sender()

    async def chat(text: str) -> str:
        replies = await service.agent.handle(UserMessage(text=text, sender_id=user, input_channel="test-push"))
        return "\n".join(r.text or "" for r in replies)

    asyncio.run(chat(f"hồ sơ {code} sao rồi"))
    asyncio.run(chat("0011"))
    assert "đã ghi nhận" in asyncio.run(chat("nhắn cho tôi khi có kết quả nhé"))
    update(client, service, code, trangThai="TU_CHOI", lyDoTuChoi="Hồ sơ nộp quá thời hạn 3 tháng")
    assert [(recipient, m.text is not None and "Hồ sơ nộp quá thời hạn" in m.text) for recipient, m in pushed.sent] == [
        (user, True)
    ]
    assert asyncio.run(service.agent.take_pending(user)) == []  # pushed, nothing kept


def test_asking_for_alerts_first_looks_the_dossier_up(client: TestClient, service: Service) -> None:
    code, user = new_dossier(client, service), sender()
    first = joined(say(client, user, "báo cho tôi khi có kết quả"))
    assert "tra cứu và xác minh hồ sơ trước" in first and ASK_CODE in first
    assert ASK_DIGITS in joined(say(client, user, code))
    done = joined(say(client, user, "0011"))
    assert "Đang xử lý" in done and "em đã ghi nhận" in done
    update(client, service, code, trangThai="DA_CO_KET_QUA")
    assert len(pending(client, user)) == 1


def test_no_alert_for_a_finished_dossier(client: TestClient) -> None:
    code, _ = DEMO["returned"]
    user = sender()
    replies = look_up(client, user, code, "5678")
    assert all(b["payload"] != "/subscribe_dossier_status" for r in replies for b in r.get("buttons", []))
    assert "không còn thay đổi" in joined(say(client, user, "báo cho tôi khi có kết quả"))


def test_the_embedded_service_is_mounted_and_protected(client: TestClient) -> None:
    assert client.get("/dossier-service/health").json()["status"] == "ok"
    response = client.get(f"/dossier-service/api/dossiers/{PROCESSING}")
    assert response.status_code == 401 and response.json() == {"error": "missing or wrong API key"}


def test_a_verification_on_one_channel_does_not_subscribe_another(client: TestClient, service: Service) -> None:
    """A REST client can pick any sender id, a Telegram chat's too: it must not reuse that chat's
    verification to be told about the dossier."""
    assert service.dossier is not None
    code, user = new_dossier(client, service), sender()

    async def chat(text: str, channel: str) -> str:
        replies = await service.agent.handle(UserMessage(text=text, sender_id=user, input_channel=channel))
        return "\n".join(r.text or "" for r in replies)

    asyncio.run(chat(f"hồ sơ {code} sao rồi", "telegram"))
    assert "Đang xử lý" in asyncio.run(chat("0011", "telegram"))
    answer = asyncio.run(chat("báo cho tôi khi có kết quả", "rest"))
    assert "tra cứu và xác minh hồ sơ trước" in answer
    assert all(s.sender_id != user for s in service.dossier.deps.subscriptions.active_for(code=code))
