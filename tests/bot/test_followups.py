"""Follow-ups between linked procedures and children in danger (issue 9), with cases of our own, through REST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from bot.slots import asks_where_to_obtain, clean_mention
from tests.conftest import conversation_replies

CERTIFICATE = 'về thủ tục "Xác định, xác định lại mức độ khuyết tật và cấp Giấy xác nhận khuyết tật"'
ALLOWANCE = 'về thủ tục "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng"'
CHILD_LINE = "Tổng đài điện thoại quốc gia bảo vệ trẻ em 111"



@pytest.mark.parametrize(
    "asked",
    ["có giấy rồi thì mỗi tháng được nhận bao nhiêu tiền", "co giay xac nhan roi thi duoc tro cap bao nhieu 1 thang"],
)
def test_an_amount_after_the_disability_certificate_comes_from_the_monthly_allowance(
    client: TestClient, asked: str
) -> None:
    first, amount, later = conversation_replies(
        client, "mẹ em bị liệt nửa người, muốn xin giấy xác nhận khuyết tật thì nộp ở đâu", asked,
        "thế làm cái giấy đó mất bao lâu",
    )
    assert CERTIFICATE in first
    assert ALLOWANCE in amount and "Mức hưởng" in amount and "không kèm khoản tiền" in amount
    assert CERTIFICATE in later  # the procedure in context stayed the certificate


def test_the_certificate_still_answers_what_it_holds(client: TestClient) -> None:
    _, steps = conversation_replies(client, "xin giấy xác nhận khuyết tật cho con", "các bước làm thế nào")
    assert CERTIFICATE in steps and ALLOWANCE not in steps


@pytest.mark.parametrize(
    "text",
    [
        "thấy mấy đứa nhỏ bị chủ xưởng bắt làm việc từ sáng tới tối, tôi báo ở đâu",
        "ben canh nha co be bi bo mot minh trong phong tro may ngay roi, goi so nao",
        "con nhà hàng xóm bị bố dượng đánh bầm tím, tố giác thế nào",
        "tre em bi boc lot lao dong thi bao cho ai",
    ],
)
def test_children_in_danger_reach_the_child_protection_line(client: TestClient, text: str) -> None:
    (reply,) = conversation_replies(client, text)
    assert CHILD_LINE in reply and "111" in reply
    assert "chưa có trong danh mục" not in reply


@pytest.mark.parametrize(
    "text, obtains",
    [
        ("thẻ bảo hiểm y tế cho con tôi thì làm ở đâu", True),
        ("giay khai sinh ban sao xin o dau a", True),
        ("so ho khau cap lai cho nao", True),
        ("hồ sơ có cần giấy chứng tử không", False),
        ("nop o dau a", False),
    ],
)
def test_where_to_get_something_done_is_told_from_what_is_needed(text: str, obtains: bool) -> None:
    assert asks_where_to_obtain(text) is obtains


def test_where_to_get_another_agency_s_card_after_an_answer_is_declined(client: TestClient) -> None:
    first, card = conversation_replies(
        client, "con toi bi bai nao, muon xin tro cap xa hoi hang thang thi can giay to gi",
        "the bhyt cho chau thi lam o dau vay",
    )
    assert "trợ cấp xã hội hằng tháng" in first
    assert "chưa có trong danh mục" in card and "Thực hiện, điều chỉnh, thôi hưởng" not in card


def test_where_to_get_a_paper_another_agency_issues_is_declined(client: TestClient) -> None:
    first, paper = conversation_replies(
        client, "bo e la thuong binh vua mat, gia dinh can lam gi de huong che do a", "giay chung tu thi xin o dau"
    )
    assert "mai táng phí" in first
    assert "chưa có trong danh mục" in paper and "Nơi nộp hồ sơ" not in paper


@pytest.mark.parametrize(
    ("mention", "cleaned"),
    [("the bhyt", "the bhyt"), ("thế bhyt", None), ("thì gia hạn", "gia hạn"), ("the gia han giay phep", "gia han giay phep")],
)
def test_a_two_word_name_typed_without_diacritics_keeps_its_first_word(mention: str, cleaned: str | None) -> None:
    # Unaccented, "the" may be "thẻ" (a card) as well as "thế": with one word left, it stays a name's word.
    assert clean_mention(mention) == cleaned


def test_a_lost_card_of_another_agency_after_an_answer_is_declined(client: TestClient) -> None:
    _, card = conversation_replies(
        client, "e nam vien 1 tuan vi sot, bhxh co tra tien nhung ngay nghi ko", "the bhyt cua e cung bi mat luon, cap lai sao a"
    )
    assert "chưa có trong danh mục" in card and "ốm đau" not in card


def test_asking_where_to_do_one_we_do_not_hold_is_declined_though_it_reads_as_no(client: TestClient) -> None:
    _, passport = conversation_replies(
        client, "e muon di lam o han quoc theo chuong trinh eps thi dang ky the nao", "lam ho chieu o dau luon a, e chua co"
    )
    assert "chưa có trong danh mục" in passport


def test_a_loan_we_do_not_hold_after_housing_support_is_not_the_job_creation_loan(client: TestClient) -> None:
    _, loan = conversation_replies(
        client, "nha bi sap mai sau bao co dc ho tro sua nha ko", "vay ngan hang chinh sach lam nha ve sinh dc ko"
    )
    assert "chưa có trong danh mục" in loan and "Quỹ quốc gia về việc làm" not in loan


@pytest.mark.parametrize(
    "text",
    ["nha ke ben dem nao cung danh thang nho 5 tuoi, toi bao cho ai", "ong ay hay danh dua nho con rieng cua vo, bao o dau"],
)
def test_a_child_someone_beats_reaches_the_child_protection_line(client: TestClient, text: str) -> None:
    (reply,) = conversation_replies(client, text)
    assert "111" in reply


@pytest.mark.parametrize("asked", ["con visa cho ho thi lam o dau a", "visa thì xin ở đâu"])
def test_where_to_get_one_we_do_not_hold_named_by_one_word_is_declined(client: TestClient, asked: str) -> None:
    _, visa = conversation_replies(client, "cap giay phep lao dong cho ky su nuoc ngoai can gi", asked)
    assert "chưa có trong danh mục" in visa and "giấy phép lao động" not in visa.lower()


@pytest.mark.parametrize("asked", ["lam o dau, e o thu duc", "lam ho so o dau, online tren vssid dc ko"])
def test_a_place_or_an_app_in_a_follow_up_keeps_the_procedure(client: TestClient, asked: str) -> None:
    _, where = conversation_replies(client, "cap giay phep lao dong cho ky su nuoc ngoai can gi", asked)
    assert "chưa có trong danh mục" not in where and "giấy phép lao động" in where.lower()


SURVIVORS = 'về thủ tục "Giải quyết hưởng chế độ tử tuất (trợ cấp mai táng, trợ cấp tuất)"'
SOCIAL_FUNERAL = 'về thủ tục "Hỗ trợ chi phí mai táng cho đối tượng bảo trợ xã hội"'


@pytest.mark.parametrize("asked", ["tiền mai táng được bao nhiêu", "tro cap mai tang bao nhieu"])
def test_a_funeral_grant_asked_after_the_survivors_benefit_stays_with_it(client: TestClient, asked: str) -> None:
    # Several funeral supports share the words; read alone the message picks one, read in the
    # conversation it is the survivors' benefit's own grant.
    first, amount = conversation_replies(
        client, "mẹ tôi đóng bảo hiểm xã hội 20 năm, vừa qua đời, nhà có được nhận tiền tuất không", asked
    )
    assert SURVIVORS in first
    assert SURVIVORS in amount and SOCIAL_FUNERAL not in amount


def test_a_story_of_another_funeral_support_still_moves_to_it(client: TestClient) -> None:
    _, other = conversation_replies(
        client, "bo em dong bhxh 12 nam thi mat, nha e co dc tien tuat ko",
        "bác tôi đang nhận trợ cấp xã hội hằng tháng vì khuyết tật nặng, mất hôm qua, xin hỗ trợ mai táng ở đâu",
    )
    assert SOCIAL_FUNERAL in other


REHAB = 'về thủ tục "Đăng ký cai nghiện ma túy tự nguyện"'


def test_a_follow_up_whose_words_read_alone_as_another_field_s_stays_with_the_procedure_in_context(
    client: TestClient,
) -> None:
    # Read alone, "đăng ký tự nguyện" is voluntary social insurance; after drug rehab it is rehab's own.
    first, follow_up = conversation_replies(
        client, "em trai tôi nghiện ma túy, gia đình muốn cho nó đi cai thì làm thế nào",
        "nó mới 17 tuổi thì có đăng ký tự nguyện được không",
    )
    assert REHAB in first
    assert REHAB in follow_up and "bảo hiểm xã hội tự nguyện" not in follow_up


SICKNESS = 'về thủ tục "Giải quyết hưởng chế độ ốm đau"'


def test_a_word_every_insurance_procedure_shares_moves_no_follow_up(client: TestClient) -> None:
    first, where = conversation_replies(
        client, "tôi bị viêm phổi nằm viện một tuần, bảo hiểm có trả tiền những ngày nghỉ không",
        "đưa cho kế toán hay tự mang lên bhxh",
    )
    assert SICKNESS in first
    assert SICKNESS in where


SHORT_CONTRIBUTIONS = "chưa đủ thời gian đóng để hưởng lương hưu"


def test_a_story_whose_tied_names_another_procedure_s_story_uses_too_gets_that_one(client: TestClient) -> None:
    # "trợ cấp hằng tháng" names the social allowance and the social pension alike; the story is of
    # someone short of pension years, which the classifier reads surely.
    (reply,) = conversation_replies(
        client,
        "mẹ tôi 61 tuổi, đóng bảo hiểm xã hội được 12 năm thì nghỉ, nghe nói thiếu năm vẫn được nhận trợ cấp hằng tháng, có đúng không",
    )
    assert SHORT_CONTRIBUTIONS in reply
    assert "Dạ, ý anh/chị là" not in reply


def test_a_sure_complaint_reading_yields_to_a_child_in_danger_asked_about_outright(client: TestClient) -> None:
    (reply,) = conversation_replies(
        client,
        # read as a complaint, surely, for its sad and angry words
        "chán lắm, nhà hàng xóm có đứa nhỏ 6 tuổi bị mẹ kế đánh hoài, mặt mũi bầm dập, tối nào cũng nghe khóc, "
        "tui muốn báo mà sợ bị lộ tên, gọi mô",
    )
    assert CHILD_LINE in reply and "111" in reply
    assert "rất tiếc về sự bất tiện" not in reply


TUITION = 'về thủ tục "Miễn, giảm học phí và hỗ trợ chi phí học tập cho người học tại cơ sở giáo dục nghề nghiệp"'


def test_words_another_ministry_s_procedure_shares_with_one_of_the_field_in_context_stay_ours(
    client: TestClient,
) -> None:
    # Read alone, "miễn học phí" is as much the general schools' exemption (Education's) as ours.
    boarding, exemption = conversation_replies(
        client, "em học cao đẳng nghề công lập, muốn xin chính sách nội trú", "vay em có được miễn học phí luôn không"
    )
    assert "chính sách nội trú" in boarding
    assert TUITION in exemption and "chưa có trong danh mục" not in exemption


def test_the_same_words_in_another_field_s_conversation_are_declined(client: TestClient) -> None:
    _, school = conversation_replies(
        client, "bố tôi nhận trợ cấp xã hội hằng tháng vì khuyết tật", "thằng cháu học lớp 7 có được miễn học phí không"
    )
    assert "chưa có trong danh mục" in school and TUITION not in school


def test_another_ministry_s_procedure_that_accounts_for_more_of_the_words_is_still_declined(client: TestClient) -> None:
    # "hộ nghèo" is ours too, but the poor's health-insurance card names "thẻ bhyt" as well.
    _, card = conversation_replies(
        client, "nhà tôi mới được công nhận hộ nghèo", "có hộ nghèo rồi thì thẻ bhyt có được cấp miễn phí không"
    )
    assert "chưa có trong danh mục" in card and "Công nhận hộ nghèo" not in card
    assert "“hộ nghèo”" not in card  # words that name one we hold are never quoted as one we do not


def test_a_long_story_of_a_child_in_danger_read_unsurely_still_gets_the_child_protection_line(client: TestClient) -> None:
    # The classifier's likeliest is the report to the 111 line, below min_probability (a story's
    # words spread its probability): a safety procedure is named from safety_probability.
    (reply,) = conversation_replies(
        client,
        "Tôi là bảo vệ tòa nhà, mấy hôm nay thấy bé gái tầng 5 tầm 8 tuổi hay ngồi khóc ngoài hành lang, trên mặt "
        "có vết thâm, nghe tiếng người lớn quát tháo ném đồ suốt. Tôi nên nói với ai đây?",
    )
    assert "111" in reply and "chưa có trong danh mục" not in reply


def test_a_yes_no_question_answered_by_a_linked_procedure_gets_its_conditions_too(client: TestClient) -> None:
    _, whether = conversation_replies(
        client, "con em bị bại não, muốn xin giấy xác nhận khuyết tật thì nộp ở đâu", "có giấy rồi thì có được tiền hằng tháng không"
    )
    assert "không kèm khoản tiền" in whether and ALLOWANCE in whether
    assert "Mức hưởng" in whether and "Đối tượng thực hiện" in whether
