"""Which aspects one reply answers besides the likeliest (bot.aspect_choice)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.aspect_choice import (
    YES_NO_WITH_CONDITIONS,
    asked_by_wording,
    asks_a_loss,
    asks_a_rate,
    asks_what_about,
    companion_aspects,
    question_at_the_end,
    wants_it_done,
)
from tests.conftest import conversation_replies


def ranked(*pairs: tuple[str, float]) -> list[dict[str, object]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


def choose(intent: str, text: str, ranking: list[dict[str, object]] | None = None, extras: list[str] | None = None) -> list[str]:
    ranking = ranking or ranked((intent, 0.95), ("ask_fee", 0.03))
    return companion_aspects(
        intent, float(ranking[0]["confidence"]), ranking, extras or [], text, sure=0.75, second=0.15
    )


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_benefit", "bố em là bệnh binh, mất tuần trước, nhà em có được nhận tiền chôn cất không ạ"),
        ("ask_benefit", "con toi hoc nghe o trung tam thi co duoc giam tien hoc ko"),
        ("ask_processing_time", "mẹ mất 2 tháng rồi mới làm hồ sơ thì có còn kịp không"),
        ("ask_where_to_submit", "chuyen ve que o roi thi co phai len tinh nop lai khong"),
        ("ask_procedure_steps", "doi cho o thi co phai lam lai ho so tu dau ko a"),
    ],
)
def test_a_yes_no_question_gets_the_conditions_beside_its_answer(intent: str, text: str) -> None:
    assert intent in YES_NO_WITH_CONDITIONS
    assert choose(intent, text) == ["ask_eligibility"]


@pytest.mark.parametrize(
    "intent, text",
    [
        ("ask_benefit", "mỗi tháng được bao nhiêu tiền vậy ạ"),  # how much: not a yes/no question
        ("ask_processing_time", "nop xong thi bao lau co ket qua"),
        ("ask_fee", "làm cái này có mất phí không"),  # yes/no about a fee: the fee section says it
        ("ask_documents", "co can giay khai sinh ban goc ko"),  # yes/no about a paper: the papers say it
        ("ask_eligibility", "người nhà nộp thay có được không"),  # already the conditions
    ],
)
def test_other_questions_get_no_conditions_added(intent: str, text: str) -> None:
    assert "ask_eligibility" not in choose(intent, text)


def test_torn_between_two_the_runner_up_comes_after_the_message_s_other_questions() -> None:
    ranking = ranked(("ask_fee", 0.55), ("ask_processing_time", 0.30), ("ask_documents", 0.1))
    assert choose("ask_fee", "lệ phí với thời gian làm", ranking, extras=["ask_documents"]) == [
        "ask_documents", "ask_processing_time",
    ]


def test_a_sure_classifier_or_an_unlikely_runner_up_adds_nothing() -> None:
    assert choose("ask_fee", "lệ phí bao nhiêu", ranked(("ask_fee", 0.9), ("ask_benefit", 0.08))) == []
    assert choose("ask_fee", "lệ phí bao nhiêu", ranked(("ask_fee", 0.6), ("ask_benefit", 0.1))) == []


def test_nothing_is_repeated_nor_the_main_question_itself() -> None:
    ranking = ranked(("ask_benefit", 0.5), ("ask_eligibility", 0.4))
    assert choose("ask_benefit", "có được hỗ trợ không", ranking, extras=["ask_eligibility", "ask_benefit"]) == [
        "ask_eligibility",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "hợp đồng của anh ấy hết hạn cuối tháng, phải xin lại trước mấy ngày",
        "cty phai bao cao so lao dong trong vong bao nhieu ngay",
        "nếu nộp trễ hạn thì sao ạ",
        "han chot nop ho so la khi nao",
    ],
)
def test_a_question_about_the_applicant_s_own_deadline_gets_the_conditions(text: str) -> None:
    assert "ask_eligibility" in choose("ask_processing_time", text)


@pytest.mark.parametrize(
    "text",
    ["nghỉ làm rồi phải đợi bao lâu mới lãnh được tiền một lần", "dong bh may nam thi moi duoc huong luong huu",
     "phai cho them may thang nua", "vay la chờ đợi bao lâu ạ"],
)
def test_the_waiting_the_rules_set_before_one_may_claim_gets_the_conditions(text: str) -> None:
    assert "ask_eligibility" in choose("ask_processing_time", text)


@pytest.mark.parametrize(
    "text",
    ["nộp rồi bao lâu thì có kết quả", "giai quyet mat may ngay", "mấy hôm thì xong",
     "cho em hỏi bao lâu thì có quyết định", "bao lâu mới có kết quả"],
)
def test_the_agency_s_processing_time_is_no_deadline(text: str) -> None:
    assert choose("ask_processing_time", text) == []


@pytest.mark.parametrize(
    "text, asked",
    [
        ("mẹ tôi nằm viện lâu rồi, giờ muốn làm hồ sơ cho mẹ thì làm thế nào", "ask_procedure_steps"),
        ("con toi bi tai nan o cong trinh, gio phai lam gi truoc", "ask_procedure_steps"),
        ("nhà có người mất, báo với ai trước ạ", "ask_where_to_submit"),
        ("so bi chay mat roi, len dau xin lai", "ask_where_to_submit"),
        ("ông nội muốn chuyển hồ sơ về quê thì làm răng", "ask_procedure_steps"),  # central words
        ("giay to bi uot het, xin lai o mo", "ask_where_to_submit"),
        ("con em muốn xin học bổng nội trú thì làm hồ sơ gì", "ask_documents"),  # "làm" sounds like how
        ("ong ay dc bao hiem chi tra che do om dau the nao", "ask_benefit"),  # "thế nào" sounds like how
    ],
)
def test_wording_that_asks_the_steps_or_the_place_outright_adds_them(text: str, asked: str) -> None:
    assert asked in choose("ask_eligibility", text)


@pytest.mark.parametrize(
    "text, asked",
    [
        ("làm giấy xác nhận cho con thì ai đánh giá mức độ", "ask_procedure_steps"),
        ("nộp đơn xong ai là người xét duyệt", "ask_procedure_steps"),
        ("sau đó ai lo việc hỗ trợ cho cháu", "ask_procedure_steps"),
        ("muon dua ong vao trung tam thi lien he ai", "ask_where_to_submit"),
        ("hỏi ai bây giờ ạ", "ask_where_to_submit"),
    ],
)
def test_who_does_the_agency_s_part_asks_the_steps_and_whom_to_contact_the_place(text: str, asked: str) -> None:
    assert asked in choose("ask_eligibility", text)


@pytest.mark.parametrize(
    "text",
    ["tên trong sổ bị ghi sai, đổi lại ntn", "thẻ bị rách, cấp lại thế nào", "nhà thoát nghèo rồi có phải làm đơn không"],
)
def test_doing_it_asked_by_its_verb_or_whether_to_file_at_all_asks_the_steps(text: str) -> None:
    assert "ask_procedure_steps" in choose("ask_eligibility", text)


def test_a_deadline_before_the_departure_gets_the_conditions() -> None:
    assert "ask_eligibility" in choose("ask_processing_time", "phải đăng ký trước khi xuất cảnh mấy ngày")


def test_who_may_claim_is_still_the_conditions() -> None:
    assert asked_by_wording("ai được hưởng trợ cấp này") == []


@pytest.mark.parametrize(
    "text",
    ["tháng đó có bị mất tiền luôn không", "co bi cat tro cap ko", "về trễ có bị trừ tiền không ạ"],
)
def test_a_loss_asked_about_gets_the_conditions(text: str) -> None:
    assert asks_a_loss(text)
    assert "ask_eligibility" in choose("ask_fee", text)


def test_what_it_costs_is_no_loss() -> None:
    assert not asks_a_loss("làm hồ sơ có mất tiền không")


@pytest.mark.parametrize(
    "text",
    [
        "tháng rồi em quên đi báo nên bị dừng, giờ em muốn lãnh tiếp",
        "công ty nợ lương 3 tháng, tôi muốn hòa giải với công ty",
        "bác tôi hy sinh năm 1972 mà tới giờ vẫn chưa được công nhận",
    ],
)
def test_a_message_ending_in_what_the_citizen_wants_done_asks_the_steps(text: str) -> None:
    assert wants_it_done(text)
    assert question_at_the_end(text) == "ask_procedure_steps"
    assert "ask_procedure_steps" in choose("ask_eligibility", text)


@pytest.mark.parametrize(
    "text",
    ["em muốn xin trợ cấp thì cần giấy gì", "muốn đăng ký lại có được không", "tôi muốn hòa giải, ở đâu làm", "em muốn hỏi về trợ cấp"],
)
def test_a_wish_that_asks_something_else_or_nothing_to_do_is_no_request_for_the_steps(text: str) -> None:
    assert not wants_it_done(text)


def test_wording_adds_nothing_the_classifier_already_chose() -> None:
    assert choose("ask_where_to_submit", "nộp hồ sơ ở đâu") == []
    assert choose("ask_benefit", "mỗi tháng được bao nhiêu") == []


@pytest.mark.parametrize(
    "text",
    ["vợ sinh mổ thì chồng được nghỉ mấy ngày", "thai san duoc nghi bao lau", "trợ cấp thất nghiệp được hưởng bao lâu",
     "dong 5 nam thi lanh duoc may thang"],
)
def test_how_long_an_entitlement_lasts_gets_the_amount_beside_the_time(text: str) -> None:
    assert "ask_benefit" in choose("ask_processing_time", text)


@pytest.mark.parametrize("text", ["nghỉ việc bao lâu thì phải nộp hồ sơ", "bao lâu thì được hưởng", "nộp rồi mấy ngày có kết quả"])
def test_other_time_questions_get_no_amount(text: str) -> None:
    assert "ask_benefit" not in choose("ask_processing_time", text)


@pytest.mark.parametrize(
    "text, asked",
    [
        ("vợ em sinh ở Nam Định mà giờ chuyển lên Hà Nội ở, thai sản làm sao", "ask_procedure_steps"),
        ("dang huong tro cap o hung yen ma ve thai binh, chuyen ho so sao a", "ask_procedure_steps"),
        ("ở Bắc Giang thì báo cho ai", "ask_where_to_submit"),
        ("luong toi thieu vung o vinh phuc la bnhiu z", "ask_fee"),
        ("vay von tao viec lam duoc toi da nhieu tien ad", "ask_fee"),
    ],
)
def test_the_question_a_message_ends_with_names_its_aspect(text: str, asked: str) -> None:
    assert question_at_the_end(text) == asked


@pytest.mark.parametrize(
    "text", ["quá hạn nộp có sao không", "nghi viec 2 thang co bi sao ko", "tôi là thương binh hạng 2", "e muon hoi ve tro cap"]
)
def test_a_message_that_asks_no_how_nor_how_much_names_none(text: str) -> None:
    assert question_at_the_end(text) is None


def test_a_story_naming_a_procedure_and_ending_in_how_gets_the_steps_not_the_menu(client: TestClient) -> None:
    (reply,) = conversation_replies(
        client, "em đang lãnh thất nghiệp ở Bắc Ninh, tháng sau về Thái Bình sống, chuyển nơi hưởng sao ạ"
    )
    assert "Chuyển nơi hưởng trợ cấp thất nghiệp" in reply
    assert "Trình tự thực hiện" in reply and "muốn biết thông tin nào" not in reply


@pytest.mark.parametrize("text", ["có sổ hộ nghèo rồi thì con tôi được hỗ trợ tiền học bao nhiêu", "dang ky roi thi moi thang dc nhiu z"])
def test_a_question_read_as_whether_that_ends_asking_how_much_gets_the_money_too(text: str) -> None:
    assert "ask_fee" in choose("ask_eligibility", text)
    assert "ask_fee" not in choose("ask_benefit", text)


@pytest.mark.parametrize("text", ["bao nhieu 1 ngay z", "mỗi tháng được bao nhiêu", "1 ngay dc bnhiu vay", "dong thap nhat bn 1 thang"])
def test_an_amount_per_day_or_month_is_money_not_time(text: str) -> None:
    assert asks_a_rate(text)
    assert "ask_benefit" in choose("ask_processing_time", text)
    assert question_at_the_end(text) == "ask_fee"


@pytest.mark.parametrize("text", ["bao nhiêu ngày thì có kết quả", "mấy ngày là xong", "nghỉ mấy ngày"])
def test_a_number_of_days_is_no_rate(text: str) -> None:
    assert not asks_a_rate(text)


@pytest.mark.parametrize(
    "text", ["nha nuoc co ho tro tien boc mo voi xe di lai ko", "có được cho tiền đi xe không", "nghỉ ốm thì có được nhận tiền không"]
)
def test_whether_money_is_paid_gets_the_amount_beside_the_conditions(text: str) -> None:
    assert "ask_benefit" in choose("ask_eligibility", text)


@pytest.mark.parametrize("text", ["có phải đóng tiền không", "tiền lương có bị trừ không", "ho tro tien boc mo thi lam sao"])
def test_paying_or_no_yes_no_question_gets_no_amount_added(text: str) -> None:
    assert "ask_benefit" not in choose("ask_eligibility", text)


def test_a_story_ending_in_dc_bn_gets_the_amount() -> None:
    assert question_at_the_end("e dong dc 6 nam thi dc bn") == "ask_fee"


def test_a_follow_up_read_as_a_statement_that_asks_how_much_gets_the_money_not_the_menu(client: TestClient) -> None:
    _, amount = conversation_replies(
        client, "toi chay xe om cong nghe, muon dong bhxh tu nguyen de sau nay co luong huu", "dong thap nhat bn 1 thang"
    )
    assert "bảo hiểm xã hội tự nguyện" in amount
    assert "muốn biết thông tin nào" not in amount


@pytest.mark.parametrize(
    "text, what_about",
    [
        ("còn gia hạn thì sao", True),
        ("người nước ngoài thì thế nào ạ", True),
        ("con cap moi thi sao ad", True),
        ("bị mất giấy phép thì cấp lại sao", False),
        ("làm thế nào", False),
        ("chuyển nơi hưởng sao ạ", False),
    ],
)
def test_what_about_is_told_from_how(text: str, what_about: bool) -> None:
    assert asks_what_about(text) is what_about


def test_a_switch_to_a_sibling_that_asks_how_gets_its_steps_not_the_earlier_question(client: TestClient) -> None:
    _, reissue = conversation_replies(
        client, "gia hạn giấy phép lao động cho chuyên gia cần hồ sơ gì", "có một anh bị mất gplđ thì xin cấp lại sao"
    )
    assert 'về thủ tục "Cấp lại giấy phép lao động' in reissue
    assert "Trình tự thực hiện" in reissue and "Hồ sơ gồm" not in reissue


@pytest.mark.parametrize("text", ["thẻ này được cấp lại mấy lần", "toi da bao nhieu lan vay ad", "mấy lần thì bị cắt hẳn"])
def test_how_often_the_rules_allow_gets_the_conditions(text: str) -> None:
    assert "ask_eligibility" in choose("ask_benefit", text)


@pytest.mark.parametrize("text", ["một năm đi khám mấy lần", "gọi bao nhiêu lần không ai nghe"])
def test_other_counts_are_no_limit(text: str) -> None:
    assert "ask_eligibility" not in choose("ask_benefit", text)


@pytest.mark.parametrize("text", ["hồ sơ gì đâu mà lâu thế", "được nhận lại hồ sơ thế nào", "đăng ký hưởng thế nào"])
def test_papers_and_amounts_are_not_read_into_other_wording(text: str) -> None:
    assert not {"ask_documents", "ask_benefit"} & set(asked_by_wording(text))


def test_a_yes_no_question_on_moving_to_a_sibling_asks_whether_not_the_previous_question(client: TestClient) -> None:
    # The fee was asked of the reissue; "sửa cùng lúc được không" moves to the correction and asks whether.
    _, fee, correction = conversation_replies(
        client, "em làm mất sổ bảo hiểm xã hội rồi, xin cấp lại thế nào", "có mất phí không",
        "mà sổ cũ còn ghi sai tên lót của em, sửa cùng lúc được không",
    )
    assert "Phí, lệ phí" in fee
    assert "Điều chỉnh thông tin cá nhân trên sổ bảo hiểm xã hội" in correction
    assert "Điều kiện" in correction and "Phí, lệ phí" not in correction


@pytest.mark.parametrize("text", ["muốn làm lại thì hồ sơ thế nào", "nghe nói được công nhận, giấy tờ ra sao ạ"])
def test_how_the_file_goes_asks_the_papers(text: str) -> None:
    assert "ask_documents" in choose("ask_procedure_steps", text)


def test_what_about_another_place_in_context_repeats_the_question_asked_before(client: TestClient) -> None:
    amount, again = conversation_replies(
        client, "lương tối thiểu vùng ở Biên Hòa năm 2026 là bao nhiêu", "còn ở Long Thành thì sao"
    )
    assert "Mức hưởng" in amount
    assert "Mức hưởng" in again and "muốn biết thông tin nào" not in again
