"""Conversations after a dossier answer: a mistyped digit corrected, and questions about that dossier
answered from it ("sao lại bị từ chối", "bao giờ có kết quả", "còn thiếu giấy gì") — issue 9, item 5.

Which dossier comes from the server's own record of the conversation's verification, never from
a slot: a tracker whose ``verified_dossier`` slot was set by someone else learns nothing.
"""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient

from bot.events import slot_set
from bot.service import Service
from tests.bot.test_dossier_conversation import ASK_DIGITS, DEMO, PROCESSING, new_dossier, sender
from tests.bot.test_dossier_lockout import attempt, from_address, random_address
from tests.conftest import joined, say

REJECTED = DEMO["rejected"][0]
SUPPLEMENT = DEMO["supplement_required"][0]
NOT_VERIFIED = "chưa xác minh được"
ASKED_AGAIN = "cho em xin 4 số cuối"


def conversation(client: TestClient, user: str, *turns: str) -> list[str]:
    """The bot's replies, one joined text per user turn."""
    return [joined(say(client, user, turn)) for turn in turns]


# A verification can be retried ---------------------------------------------------------------------
def test_after_one_wrong_digit_the_right_ones_are_understood(client: TestClient) -> None:
    asked, wrong, right = conversation(client, sender(), f"hồ sơ {PROCESSING} sao rồi", "1243", "5678")
    assert ASK_DIGITS in asked
    assert NOT_VERIFIED in wrong and ASKED_AGAIN in wrong  # the code is kept, the digits asked again
    assert right.startswith(f"Dạ, thông tin hồ sơ {PROCESSING}:") and "Đang xử lý" in right


def test_without_diacritics_and_with_words_around_the_digits(client: TestClient) -> None:
    replies = conversation(client, sender(), f"tra cuu ho so {PROCESSING}", "so cuoi la 1111", "a nham, 4321 a")
    assert NOT_VERIFIED in replies[1] and "Đang xử lý" in replies[2]


def test_a_new_code_after_a_failure_replaces_the_old_one(client: TestClient) -> None:
    replies = conversation(client, sender(), "hồ sơ 000.00.15.H29-240312-0043 sao rồi", "5678",
                           f"à em nhầm mã, mã đúng là {PROCESSING}", "5678")
    assert NOT_VERIFIED in replies[1] and ASKED_AGAIN in replies[2]
    assert f"thông tin hồ sơ {PROCESSING}" in replies[3]


def test_retries_end_at_the_limit(client: TestClient, service: Service) -> None:
    code = new_dossier(client, service)
    address = from_address(client, random_address())
    user = sender()
    replies = conversation(address, user, f"hồ sơ {code} sao rồi", "1111", "2222", "3333")
    assert all(NOT_VERIFIED in r and ASKED_AGAIN in r for r in replies[1:3])
    assert NOT_VERIFIED in replies[3] and ASKED_AGAIN not in replies[3]  # the third failure: no more asking
    assert "tạm dừng tra cứu" in attempt(address, user, code, "0011")  # even with the right digits


# Questions about the dossier just shown ----------------------------------------------------------
def test_why_was_it_rejected_is_answered_from_that_dossier(client: TestClient) -> None:
    user = sender()
    shown, why, when, missing = conversation(
        client, user, f"hồ sơ {REJECTED} sao rồi", "5678", "sao lại bị từ chối", "bao gio co ket qua"
    )[1:] + [joined(say(client, user, "còn thiếu giấy gì"))]
    assert "Từ chối giải quyết" in shown
    assert why.startswith(f"Dạ, hồ sơ {REJECTED} bị từ chối giải quyết.") and "Lý do: Người lao động đã có việc làm" in why
    assert f"hồ sơ {REJECTED} đã bị từ chối giải quyết nên sẽ không có kết quả" in when
    assert f"hồ sơ {REJECTED} không phải bổ sung mà đã bị từ chối" in missing


def test_what_is_missing_lists_the_papers_to_add(client: TestClient) -> None:
    user = sender()
    missing, when = conversation(client, user, f"hồ sơ {SUPPLEMENT} sao rồi", "5678",
                                 "con thieu giay gi", "bao giờ có kết quả")[2:]
    assert missing.startswith(f"Dạ, về hồ sơ {SUPPLEMENT}:")
    assert "Giấy chứng nhận sức khỏe" in missing and "nộp bổ sung tại" in missing
    assert "Chờ bổ sung hồ sơ" in when and "ngày hẹn trả kết quả là" in when


def test_when_will_it_be_done_gives_the_due_date(client: TestClient, service: Service) -> None:
    due = dt.date.today() + dt.timedelta(days=10)
    code = new_dossier(client, service, ngayHenTra=due.isoformat())
    user = sender()
    when, missing, why = conversation(client, user, f"hồ sơ {code} sao rồi", "0011", "khi nào thì có kết quả ạ",
                                      "còn thiếu giấy gì không", "sao lại bị từ chối")[2:]
    assert f"hồ sơ {code} đang ở tình trạng \"Đang xử lý\", ngày hẹn trả kết quả là {due:%d/%m/%Y}" in when
    assert f"hồ sơ {code} hiện không phải bổ sung giấy tờ gì" in missing
    assert f"hồ sơ {code} không bị từ chối" in why


def test_the_answer_is_today_s_status_not_the_one_shown(client: TestClient, service: Service) -> None:
    code = new_dossier(client, service)
    user = sender()
    conversation(client, user, f"hồ sơ {code} sao rồi", "0011")
    assert service.dossier is not None
    updated = client.patch(
        f"/dossier-service/api/dossiers/{code}", json={"trangThai": "TU_CHOI", "lyDoTuChoi": "Thiếu sổ bảo hiểm xã hội"},
        headers={"X-API-Key": service.dossier.service_api_key},
    )
    assert updated.status_code == 200, updated.text
    assert "Lý do: Thiếu sổ bảo hiểm xã hội" in joined(say(client, user, "sao lại bị từ chối"))


# Nothing without the server's own verification -----------------------------------------------------
def test_a_followup_without_a_verification_reveals_nothing(client: TestClient, service: Service) -> None:
    user = sender()
    say(client, user, "xin chào")
    # Someone else's tracker state claiming the dossier is verified: not what the server recorded.
    service.agent.store.append(user, [slot_set("verified_dossier", {"code": REJECTED, "status": "rejected"})])
    text = joined(say(client, user, "sao lại bị từ chối"))
    assert REJECTED not in text and "Người lao động đã có việc làm" not in text


def test_a_failed_verification_forgets_the_dossier_verified_before(client: TestClient) -> None:
    user = sender()
    conversation(client, user, f"hồ sơ {REJECTED} sao rồi", "5678", f"hồ sơ {PROCESSING} sao rồi", "1111")
    text = joined(say(client, user, "sao lại bị từ chối"))
    assert REJECTED not in text and "Người lao động đã có việc làm" not in text


def test_a_procedure_question_after_a_dossier_answer_is_about_the_procedure(client: TestClient) -> None:
    user = sender()
    conversation(client, user, f"hồ sơ {SUPPLEMENT} sao rồi", "5678")
    text = joined(say(client, user, "thủ tục gia hạn giấy phép lao động cần giấy tờ gì"))
    assert text.startswith('Dạ, về thủ tục "Gia hạn giấy phép lao động') and SUPPLEMENT not in text
