"""The failure patterns citizens found (issue 9), each with cases of our own, through REST."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from tests.conftest import conversation_replies

UNEMPLOYMENT = 'về thủ tục "Giải quyết hưởng trợ cấp thất nghiệp"'
DECLINE = "chưa có trong danh mục"


def sender() -> str:
    return f"understand-{uuid.uuid4().hex[:8]}"



@pytest.mark.parametrize(
    "text",
    [
        "CHO EM HỎI XIN TIỀN THẤT NGHIỆP Ở CHỖ NÀO",
        "nghỉ việc rồi muốn lãnh bảo hiểm thất nghiệp thì nộp ở đâu",
        "lanh that nghiep nop ho so o dau vay ad",
    ],
)
def test_colloquial_names_reach_the_procedure(client: TestClient, text: str) -> None:
    (reply,) = conversation_replies(client, text)
    assert UNEMPLOYMENT in reply and "Nơi nộp hồ sơ" in reply


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("cho hỏi làm sổ đỏ cần những giấy tờ gì", None),
        ("dang ky khai sinh cho con o dau vay", None),
        ("xin phiếu lý lịch tư pháp mất bao lâu", "lý lịch tư pháp"),
        ("đổi bằng lái xe máy hết hạn ở đâu", None),
    ],
)
def test_other_ministries_and_procedures_not_held_are_declined_cleanly(
    client: TestClient, text: str, named: str | None
) -> None:
    (reply,) = conversation_replies(client, text)
    assert DECLINE in reply and "dichvucong.gov.vn" in reply and "18001096" in reply
    assert 'về thủ tục "' not in reply  # no catalogue procedure answered
    if named:
        assert f"“{named}”" in reply or named in reply.lower()


def test_pension_is_held_now(client: TestClient) -> None:
    # Issue 11 added "Giải quyết hưởng lương hưu" to the catalogue: no longer declined.
    (reply,) = conversation_replies(client, "ba em ve huu roi thi lanh luong huu o dau")
    assert 'về thủ tục "Giải quyết hưởng lương hưu"' in reply and DECLINE not in reply


def test_a_benefit_question_with_a_fee_word_asks_the_benefit(client: TestClient) -> None:
    (reply,) = conversation_replies(client, "bố em là thương binh vừa mất, tiền mai táng phí được bao nhiêu ạ")
    assert "mai táng phí" in reply and "Mức hưởng" in reply and "Phí, lệ phí:" not in reply


def test_a_yes_no_question_gets_its_fact(client: TestClient) -> None:
    (reply,) = conversation_replies(client, "em nghỉ việc 5 tháng rồi mới đi nộp hồ sơ thất nghiệp thì có được không")
    assert UNEMPLOYMENT in reply and "Điều kiện: Không." in reply and "03 tháng" in reply
    assert "(Căn cứ:" in reply


def test_a_procedure_we_do_not_hold_replaces_the_one_in_context(client: TestClient) -> None:
    permit, declined, after = conversation_replies(
        client, "làm giấy phép lao động cần giấy tờ gì", "còn làm căn cước cho con thì sao", "mất bao lâu"
    )
    assert "giấy phép lao động" in permit
    assert DECLINE in declined
    assert 'về thủ tục "Cấp giấy phép lao động' not in after  # the old procedure is not answered


def test_chit_chat_is_a_new_topic(client: TestClient) -> None:
    _, chat, after = conversation_replies(
        client, "hồ sơ gia hạn giấy phép lao động gồm gì", "hôm nay trời mưa to quá", "lệ phí bao nhiêu"
    )
    assert "chỉ hỗ trợ" in chat
    assert "Gia hạn" not in after


def test_a_typed_answer_to_which_one_resolves_it(client: TestClient) -> None:
    which, chosen = conversation_replies(client, "liệt sĩ thì cần giấy tờ gì", "cái thăm viếng mộ ấy")
    assert which.startswith("Dạ, ý anh/chị là thủ tục")
    assert 'về thủ tục "Hỗ trợ người thân của liệt sĩ thăm viếng mộ liệt sĩ"' in chosen and "Hồ sơ gồm" in chosen


def test_a_position_answers_which_one_too(client: TestClient) -> None:
    which, chosen = conversation_replies(client, "liệt sĩ thì cần giấy tờ gì", "cái thứ hai")
    second = which.split('" hay "')[1].split('"')[0]
    assert f'về thủ tục "{second}"' in chosen


def test_a_child_in_danger_gets_the_111_line(client: TestClient) -> None:
    # The catalogue holds the child-protection entry now (issue 11): answered from it, not declined.
    (reply,) = conversation_replies(client, "phát hiện con nhà bên bị bố đánh đập dã man thì báo số nào")
    assert 'về thủ tục "Tiếp nhận thông báo, tố giác hành vi xâm hại trẻ em' in reply and "111" in reply
    assert DECLINE not in reply


def test_a_paper_of_the_procedure_in_context_is_not_a_new_topic(client: TestClient) -> None:
    _, paper = conversation_replies(
        client, "giấy phép cho thuê lại lao động cần hồ sơ gì", "hồ sơ có cần phiếu lý lịch tư pháp không"
    )
    assert 'về thủ tục "Cấp giấy phép hoạt động cho thuê lại lao động"' in paper


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("hồ sơ gia hạn giấy phép lao động gồm gì", "resolved"),
        ("đăng ký kết hôn cần giấy tờ gì", "not_in_catalogue"),
        ("liệt sĩ thì cần giấy tờ gì", "ambiguous"),
        ("xin chào", "none"),
    ],
)
def test_model_parse_says_how_the_procedure_was_resolved(client: TestClient, text: str, status: str) -> None:
    response = client.post("/model/parse", json={"text": text})
    assert response.status_code == 200
    body = response.json()
    assert {"text", "intent", "intent_ranking", "entities"} <= set(body)
    assert body["procedure_resolution"]["status"] == status


def test_back_from_a_declined_digression(client: TestClient) -> None:
    _, declined, back = conversation_replies(
        client,
        "mẹ em khuyết tật nặng, muốn xin trợ cấp hằng tháng thì làm thế nào",
        "à còn làm hộ chiếu cho mẹ thì sao",
        "quay lại chuyện trợ cấp, mỗi tháng được bao nhiêu",
    )
    assert DECLINE in declined
    assert 'về thủ tục "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng"' in back and "Mức hưởng" in back


def test_thanks_and_farewell_in_one_message_get_both(client: TestClient) -> None:
    (reply,) = conversation_replies(client, "ok cảm ơn em nhiều nha, chào em")
    assert "không có gì" in reply and "Khi cần, anh/chị cứ nhắn lại" in reply


@pytest.mark.parametrize(
    ("mention", "name", "quoted"),
    [
        ("kết hôn", "Đăng ký kết hôn", True),
        ("lý lịch tư pháp", "Cấp Phiếu lý lịch tư pháp", True),
        ("sinh, qua han", "Đăng ký khai sinh quá hạn", False),  # shares words, reads as nothing
        ("dõi nó", "Theo dõi người được tha tù", False),
        ("dang ky", "Đăng ký kết hôn", False),  # an act, not a name
        ("vay vốn", "Cấp giấy phép xây dựng", False),  # not the procedure recognised
    ],
)
def test_a_decline_quotes_only_a_run_of_the_recognised_name(mention: str, name: str, quoted: bool) -> None:
    from bot.slots import _quotable

    assert (_quotable(mention, name) == mention) is quoted
