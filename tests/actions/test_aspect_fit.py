"""Money asked about a procedure that costs nothing and pays an allowance is the amount paid; a
question that names the fee or a contribution, or a pressed button, keeps the fee section."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from actions.aspect_fit import fitted_aspect
from knowledge.schemas import Channel, LegalBasis, ProcedureRecord
from tests.conftest import conversation_replies


def record(fee: str, benefit: str | None, unconfirmed: dict[str, str] | None = None) -> ProcedureRecord:
    return ProcedureRecord(
        code="demo", name="Thủ tục mẫu", field="bao_tro_xa_hoi",
        channels=[Channel(method="in_person", processing_time="10 ngày", fee=fee),
                  Channel(method="online", processing_time="10 ngày", fee=fee)],
        legal_basis=[LegalBasis(number="20/2021/NĐ-CP", title="Nghị định trợ giúp xã hội", date=dt.date(2021, 3, 15))],
        url="https://dichvucong.gov.vn/demo", checked_on=dt.date(2026, 11, 22),
        benefit=benefit, unconfirmed=unconfirmed or {},
    )


ALLOWANCE = record("Không mất phí", "Hỗ trợ chi phí mai táng bằng 20 lần mức chuẩn trợ giúp xã hội.")
LICENCE = record("Lệ phí theo nghị quyết của Hội đồng nhân dân tỉnh", None)
FREE_PAYING_NOTHING = record("Không mất phí", None)


@pytest.mark.parametrize("text", [
    "bao nhieu tien", "được bao nhiêu tiền một tháng", "nha nuoc co ho tro chi phi ko", "hỗ trợ chi phí bao nhiêu",
    "xin mai táng phí thì được mấy triệu", "tổng cộng nhận được nhiu",
])
def test_money_asked_of_a_free_allowance_is_the_amount_paid(text: str) -> None:
    assert fitted_aspect("ask_fee", ALLOWANCE, text) == "ask_benefit"


@pytest.mark.parametrize("text", [
    "lệ phí bao nhiêu", "co mat phi ko", "có tốn tiền không ạ", "phí hồ sơ bao nhiêu",
    "đóng bhxh tự nguyện mức thấp nhất bao nhiêu một tháng", "dong it nhat nhiu 1 thang", "gửi bưu điện có mất cước không",
])
def test_a_question_naming_the_fee_or_a_contribution_keeps_the_fee(text: str) -> None:
    assert fitted_aspect("ask_fee", ALLOWANCE, text) == "ask_fee"


@pytest.mark.parametrize("text", ["mỗi tháng phải đóng bnhiu", "1 thang dong bn vay"])
def test_a_contribution_asked_in_teencode_keeps_the_fee(text: str) -> None:
    assert fitted_aspect("ask_fee", ALLOWANCE, text) == "ask_fee"


@pytest.mark.parametrize("text", ["đóng được 7 năm thì được bn", "tháng đó có bị mất tiền không"])
def test_what_is_paid_back_or_forfeited_is_no_fee(text: str) -> None:
    assert fitted_aspect("ask_fee", ALLOWANCE, text) == "ask_benefit"


TUITION = record("Không mất phí", "Miễn 100 % học phí cho người học thuộc hộ nghèo.").model_copy(
    update={"name": "Miễn, giảm học phí cho người học nghề", "aliases": ["giảm học phí trường nghề"]}
)


def test_a_fee_word_the_procedure_s_name_holds_is_its_subject_not_its_cost() -> None:
    assert fitted_aspect("ask_fee", TUITION, "con tôi học trung cấp, nhà cận nghèo có được miễn học phí không") == "ask_eligibility"
    assert fitted_aspect("ask_fee", TUITION, "được giảm học phí bao nhiêu phần trăm") == "ask_benefit"
    without_amount = TUITION.model_copy(update={"benefit": None})
    assert fitted_aspect("ask_fee", without_amount, "giảm học phí thế nào") == "ask_eligibility"
    assert fitted_aspect("ask_fee", TUITION, "làm hồ sơ miễn học phí có mất phí không") == "ask_fee"


def test_a_procedure_with_a_fee_or_without_an_amount_keeps_the_fee() -> None:
    assert fitted_aspect("ask_fee", LICENCE, "bao nhieu tien") == "ask_fee"
    assert fitted_aspect("ask_fee", FREE_PAYING_NOTHING, "bao nhieu tien") == "ask_fee"
    unconfirmed = record("Không mất phí", None, {"benefit": "mức theo quyết định của tỉnh"})
    assert fitted_aspect("ask_fee", unconfirmed, "bao nhieu tien") == "ask_benefit"


def test_an_information_entry_without_channels_answers_money_with_its_amount() -> None:
    # No channel, so no fee section to give: "mức lương tối thiểu vùng là bao nhiêu" asks the figures.
    information = record("Không mất phí", "Vùng I: 4.960.000 đồng/tháng.").model_copy(update={"channels": []})
    assert fitted_aspect("ask_fee", information, "ở Thái Nguyên là nhiêu vậy") == "ask_benefit"
    assert fitted_aspect("ask_fee", information, "có mất phí không") == "ask_fee"


def test_a_pressed_button_and_other_aspects_are_answered_as_asked() -> None:
    assert fitted_aspect("ask_fee", ALLOWANCE, '/ask_fee{"procedure": "demo"}') == "ask_fee"
    assert fitted_aspect("ask_documents", ALLOWANCE, "bao nhieu tien") == "ask_documents"
    assert fitted_aspect("ask_benefit", LICENCE, "được bao nhiêu") == "ask_benefit"


def test_in_a_conversation_the_amount_is_answered_not_the_fee(client: TestClient) -> None:
    first, money = conversation_replies(
        client, "bà nội em đang lãnh trợ cấp hưu trí xã hội vừa mất, nhà có được hỗ trợ mai táng không",
        "vậy nhà nước hỗ trợ chi phí bao nhiêu",
    )
    assert "mai táng" in first.lower()
    assert "Mức hưởng" in money and "Phí, lệ phí" not in money
