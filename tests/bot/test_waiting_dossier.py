"""A dossier handed in a while ago without a result: the time the law sets, then its lookup offered;
the citizen who moves on is not held in the lookup."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.waiting_dossier import reports_a_wait
from tests.conftest import conversation_replies

ASK_CODE = "cho em xin mã hồ sơ"


@pytest.mark.parametrize("text", [
    "hồ sơ hưởng chế độ tai nạn lao động của chồng tôi nộp 2 tháng rồi mà vẫn chưa có quyết định",
    "gui ho so tro cap khuyet tat cho con tu thang 3 ma chua thay ai goi",
    "NOP HO SO LUONG HUU 45 NGAY ROI CHUA NHAN DUOC GI HET",
    "e nộp hs tuần trước r mà chưa thấy gì",
])
def test_a_dossier_handed_in_without_a_result_is_a_wait(text: str) -> None:
    assert reports_a_wait(text)


@pytest.mark.parametrize("text", [
    "em chưa nộp hồ sơ, giờ nộp ở đâu", "nộp hồ sơ rồi thì bao lâu có kết quả", "nộp rồi có được không",
    "đóng bảo hiểm được 11 năm rồi nghỉ, chưa có lương hưu", "gửi qua bưu điện có được không",
])
def test_other_questions_about_handing_in_are_not(text: str) -> None:
    assert not reports_a_wait(text)


def test_the_processing_time_comes_with_the_lookup_then_the_citizen_may_move_on(client: TestClient) -> None:
    waiting, papers = conversation_replies(
        client, "ho so cong nhan thuong binh cua ong em nop o xa 5 thang roi chua co ket qua, thu tuc nay giai quyet mat bao lau",
        "hồ sơ công nhận thương binh gồm những giấy tờ gì",
    )
    assert "Thời hạn giải quyết" in waiting and ASK_CODE in waiting
    assert waiting.index("Thời hạn giải quyết") < waiting.index(ASK_CODE)
    assert "Hồ sơ gồm" in papers and ASK_CODE not in papers
