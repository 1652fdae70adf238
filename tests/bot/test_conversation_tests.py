"""``dvcbot test conversations``: the format, the grading of replies, and the report's groups."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.conversation_tests import (
    ConversationTestError,
    Grader,
    has_diacritics,
    load_conversations,
    report,
    run_conversations,
)
from bot.service import Service

SET = """
conversations:
  - conversation: giấy phép rồi đổi chủ đề
    steps:
      - user: "xin chào"
        expect: {smalltalk: greet}
      - user: "lam giay phep lao dong can giay to gi"
        expect: {procedure: work_permit_issue, aspect: documents}
      - user: "thế lệ phí bao nhiêu"
        expect: {procedure: work_permit_issue, aspect: [fee, processing_time]}
      - user: "còn đăng ký kết hôn thì cần gì"
        expect: {decline: not_in_catalogue}
  - conversation: a wrong expectation is reported as a failure
    steps:
      - user: "hồ sơ gia hạn giấy phép lao động gồm những gì"
        expect: {procedure: maternity_benefit, aspect: documents}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "set.yml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "text",
    [
        "steps: []",
        "conversations:\n  - conversation: x\n    steps:\n      - user: hi\n        expect: {procedure: a, decline: b}",
        "conversations:\n  - conversation: x\n    steps:\n      - user: hi\n        expect: {procedure: a, aspect: price}",
        "conversations:\n  - conversation: x\n    steps: []",
    ],
)
def test_malformed_sets_are_refused_with_the_place(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConversationTestError):
        load_conversations(write(tmp_path, text))


def test_diacritics_are_detected_on_any_mark() -> None:
    assert has_diacritics("lệ phí") and has_diacritics("gplđ")
    assert not has_diacritics("le phi bao nhieu")


def test_replies_are_graded_and_grouped(tmp_path: Path, service: Service) -> None:
    conversations = load_conversations(write(tmp_path, SET))
    grader = Grader.build(service.catalogue, service.domain, dict(service.agent.config.response_variables))
    fields = {r.code: r.field for r in service.catalogue.all()}
    results = asyncio.run(run_conversations(service.agent, conversations, grader, fields))
    assert [r.right for r in results] == [True, True, True, True, False]
    summary = report(results)
    assert summary["overall"] == {"right": 4, "n": 5, "share": 0.8}
    assert summary["by_group"]["decline"]["share"] == 1.0
    assert summary["declines"]["answered_with_a_catalogue_procedure"] == 0
    assert summary["without_diacritics"]["n"] == 1
    (failure,) = summary["failures"]
    assert failure["reason"] == "answered work_permit_extension"


def test_a_name_holding_quotes_is_read_whole() -> None:
    """ "Cấp lại Bằng "Tổ quốc ghi công"" is one procedure, not "Cấp lại Bằng "."""
    from bot.conversation_tests import Expectation, grade
    from bot.messages import BotMessage

    name = 'Cấp lại Bằng "Tổ quốc ghi công"'
    grader = Grader({"martyr_certificate_reissue": name}, {})
    reply = [BotMessage(recipient_id="s", text=f'Dạ, về thủ tục "{name}":\nHồ sơ gồm: ...')]
    right, reason, answered = grade(Expectation("procedure", "martyr_certificate_reissue"), reply, grader)
    assert answered == ["martyr_certificate_reissue"] and right, reason


@pytest.mark.parametrize("open_now", [True, False])
def test_a_handoff_is_a_right_reply_to_asking_for_a_human_in_office_hours_and_out(open_now: bool) -> None:
    from bot.conversation_tests import Expectation, grade
    from bot.messages import BotMessage

    text = (
        "Dạ, em đã chuyển cuộc trò chuyện tới cán bộ tổng đài (vị trí thứ 1). Thời gian chờ thường khoảng 5 phút"
        if open_now
        else "Dạ, hiện đã ngoài giờ làm việc của tổng đài viên. Em đã chuyển yêu cầu của anh/chị vào hàng chờ"
    )
    grader = Grader({}, {"utter_request_human": "Dạ, em chuyển anh/chị tới cán bộ ngay ạ."})
    right, reason, _ = grade(Expectation("smalltalk", "request_human"), [BotMessage(recipient_id="s", text=text)], grader)
    assert right, reason
