"""Follow-ups between sibling procedures (issue 9): a paper that the procedure in context asks for
keeps it, though a sibling's keywords hold the paper too; our own sentences, through REST."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.conftest import conversation_replies

MERIT_DEATH = 'về thủ tục "Giải quyết chế độ mai táng phí và trợ cấp một lần khi người có công với cách mạng từ trần"'
SURVIVOR = 'về thủ tục "Giải quyết hưởng chế độ tử tuất'
DIPLOMA_COPY = "Cấp bản sao văn bằng"



@pytest.mark.parametrize("paper", ["thế có cần giấy chứng tử không", "hồ sơ cần giấy chung tu nữa à"])
def test_a_death_certificate_asked_after_a_merit_funeral_allowance_keeps_it(client: TestClient, paper: str) -> None:
    first, papers = conversation_replies(client, "ông nội tôi là thương binh, mới từ trần tháng trước, gia đình nhận mai táng phí ở đâu", paper)
    assert MERIT_DEATH in first
    assert MERIT_DEATH in papers and SURVIVOR not in papers


def test_a_copy_of_a_lost_diploma_still_moves_on_from_the_school_registration(client: TestClient) -> None:
    _, copy = conversation_replies(
        client, "trường trung cấp chúng tôi muốn đăng ký thêm nghề may công nghiệp thì làm hồ sơ gì",
        "con tôi làm mất bằng nghề rồi, muốn xin bản sao từ sổ gốc thì cần giấy tờ gì",
    )
    assert DIPLOMA_COPY in copy


class _Resolver:
    offer_score = 0.3


class _Interpreter:
    """Just what the sibling switch reads: the classifier's reading of the follow-up in context."""

    resolver = _Resolver()

    def __init__(self, readings: dict[str, float]) -> None:
        self.readings = readings

    def readings_in_context(self, text: str, context_code: str) -> dict[str, float]:
        return self.readings

    def sibling_switch_probability(self) -> float:
        return 0.3


RANKED = [{"code": "unemployment_benefit_terminate", "score": 0.4}, {"code": "labour_complaint", "score": 0.35}]


@pytest.mark.parametrize(
    ("readings", "ranking", "moved_to"),
    [
        # Read after the benefit's name, "có chỗ làm mới rồi" is its ending, and retrieval ranked that too.
        ({"unemployment_benefit_terminate": 0.5, "unemployment_benefit": 0.2}, RANKED, "unemployment_benefit_terminate"),
        # Retrieval did not rank the sibling: the classifier's word alone does not move the follow-up.
        ({"unemployment_benefit_terminate": 0.5, "unemployment_benefit": 0.2}, RANKED[1:], None),
        # Not sure enough, or no likelier than the procedure in context: it stays.
        ({"unemployment_benefit_terminate": 0.25, "unemployment_benefit": 0.2}, RANKED, None),
        ({"unemployment_benefit_terminate": 0.4, "unemployment_benefit": 0.45}, RANKED, None),
        # A question that names no procedure is never a sibling.
        ({"__none__": 0.8}, [{"code": "__none__", "score": 0.9}], None),
    ],
)
def test_a_follow_up_moves_to_a_sibling_only_as_a_first_message_would(
    readings: dict[str, float], ranking: list[dict[str, object]], moved_to: str | None
) -> None:
    from bot.slots import _sibling_in_context

    interpreter = _Interpreter(readings)
    text = "có chỗ làm mới rồi thì có phải báo không"
    assert _sibling_in_context(text, "unemployment_benefit", ranking, interpreter) == moved_to  # type: ignore[arg-type]


TERMINATE = 'về thủ tục "Chấm dứt hưởng trợ cấp thất nghiệp"'
RESUME = 'về thủ tục "Tiếp tục hưởng trợ cấp thất nghiệp"'
EXEMPTION = 'về thủ tục "Cấp giấy xác nhận không thuộc diện cấp giấy phép lao động'


@pytest.mark.parametrize(
    ("text", "procedure"),
    [
        # The family's words ("trợ cấp thất nghiệp", "giấy phép lao động") name the base procedure in
        # full; the sibling's own act (leaving to work abroad, getting paid again after a suspension,
        # a foreign spouse who needs no permit) decides.
        ("em đang lãnh thất nghiệp, tuần sau bay sang Nhật làm theo hợp đồng, tiền thất nghiệp có bị dừng không", TERMINATE),
        ("dang huong tro cap that nghiep ma sap xuat canh di lam o dai loan thi co bi cat ko", TERMINATE),
        ("tôi bị ngưng trợ cấp thất nghiệp vì không đi khai báo tháng trước, giờ muốn hưởng tiếp thì làm thế nào", RESUME),
        ("bi dung tro cap that nghiep vi tre hen khai bao, muon nhan tiep thi lam sao", RESUME),
        (
            "chồng tôi là người Pháp, đã kết hôn với tôi và ở Huế, giờ đi làm cho trường quốc tế có cần giấy phép lao động không",
            EXEMPTION,
        ),
    ],
)
def test_the_siblings_own_act_outweighs_the_family_words(client: TestClient, text: str, procedure: str) -> None:
    (reply,) = conversation_replies(client, text)
    assert procedure in reply


CARE_RANKING = [
    {"code": "social_care_admission", "score": 0.6, "explained": 0.6},
    {"code": "voluntary_drug_rehab", "score": 0.2, "explained": 0.6},
]


WHOLE_NAME_RANKING = [{**CARE_RANKING[0], "score": 1.0}, CARE_RANKING[1]]


@pytest.mark.parametrize(
    ("readings", "ranking", "tied", "stays"),
    [
        # "vào trung tâm" names the care centre, rehab accounts for the words as well and the
        # follow-up read after rehab's name is about rehab: it stays.
        ({"voluntary_drug_rehab": 0.9, "social_care_admission": 0.05}, CARE_RANKING, [], True),
        # Read after rehab's name it is still about the care centre: it moves.
        ({"voluntary_drug_rehab": 0.2, "social_care_admission": 0.7}, CARE_RANKING, [], False),
        # The procedure in context explains less of the follow-up: it moves.
        ({"voluntary_drug_rehab": 0.9}, [CARE_RANKING[0], {**CARE_RANKING[1], "explained": 0.3}], [], False),
        # A whole name or alias of the other procedure: it moves, whatever the reading in context...
        ({"voluntary_drug_rehab": 0.9}, WHOLE_NAME_RANKING, [], False),
        # ... unless other procedures hold that name too (a tie the classifier settled reading the
        # message alone): then it is read in context like any other words.
        ({"voluntary_drug_rehab": 0.9}, WHOLE_NAME_RANKING, ["social_care_admission", "child_emergency_intervention"], True),
        # Retrieval did not rank the procedure in context at all.
        ({"voluntary_drug_rehab": 0.9}, CARE_RANKING[:1], [], False),
    ],
)
def test_a_follow_up_stays_when_the_procedure_in_context_explains_it_as_well(
    readings: dict[str, float], ranking: list[dict[str, object]], tied: list[str], stays: bool
) -> None:
    from bot.slots import _stays_in_context

    interpreter = _Interpreter(readings)
    text = "cai o nha duoc khong hay phai vao trung tam"
    assert _stays_in_context("voluntary_drug_rehab", "social_care_admission", text, ranking, tied, interpreter) is stays  # type: ignore[arg-type]


def test_a_follow_up_about_the_centre_stays_with_drug_rehab_over_rest(client: TestClient) -> None:
    first, follow_up = conversation_replies(
        client, "thằng út nhà tôi nghiện ma túy, nó tự nguyện xin cai thì đăng ký ở đâu",
        "nó không chịu cai ở nhà thì có bắt phải vào trung tâm không",
    )
    rehab = first.split("về thủ tục ")[1].split(":")[0]
    assert "cai nghiện" in rehab.lower()
    assert f"về thủ tục {rehab}" in follow_up


BENEFIT = 'về thủ tục "Giải quyết hưởng trợ cấp thất nghiệp"'
MONTHLY_REPORT = 'về thủ tục "Thông báo về việc tìm kiếm việc làm hằng tháng"'


def test_a_follow_up_the_classifier_reads_as_a_sibling_moves_to_it(client: TestClient) -> None:
    # Retrieval ranks neither the benefit nor its report for "trình diện"; the classifier's guess of
    # a sibling of the same field, at the sibling switch's probability, moves the conversation.
    first, report = conversation_replies(
        client, "em nghỉ việc ở cty giày được 1 tháng, muốn lãnh thất nghiệp thì nộp ở đâu",
        "trong thời gian lãnh thì tháng nào cũng phải lên trình diện hả",
    )
    assert BENEFIT in first
    assert MONTHLY_REPORT in report and BENEFIT not in report


def test_the_office_of_the_procedure_in_context_is_no_sibling_s_name(client: TestClient) -> None:
    # "trung tâm dịch vụ việc làm" sounds like job counselling; retrieval ranks the benefit above it.
    _, where = conversation_replies(
        client, "em nghỉ việc ở cty giày được 1 tháng, muốn lãnh thất nghiệp thì cần giấy tờ gì",
        "nộp ở trung tâm dịch vụ việc làm hay làm online được ạ",
    )
    assert BENEFIT in where and "Hỗ trợ tư vấn, giới thiệu việc làm" not in where


MOVE_FILE = 'về thủ tục "Di chuyển hồ sơ khi người hưởng trợ cấp ưu đãi thay đổi nơi thường trú"'
MERIT_CORRECTION = 'về thủ tục "Sửa đổi, bổ sung thông tin cá nhân trong hồ sơ người có công"'
MARTYR_FAMILY = "Giải quyết trợ cấp ưu đãi đối với thân nhân liệt sĩ"


def test_a_tie_one_member_of_which_is_of_the_field_in_context_is_that_one(client: TestClient) -> None:
    # "ghi sai năm sinh … sửa" fits the insurance book's correction and the merit file's alike.
    first, correction = conversation_replies(
        client, "bố tôi là thương binh 3/4, đang hưởng trợ cấp ở Nam Định, muốn chuyển hồ sơ về Hà Nội",
        "hồ sơ của bố ghi sai năm sinh so với căn cước, sửa được không",
    )
    assert MOVE_FILE in first
    assert MERIT_CORRECTION in correction and "ý anh/chị là" not in correction


def test_a_tie_of_another_field_yields_to_the_sibling_the_follow_up_reads_as_in_context(client: TestClient) -> None:
    # "trợ cấp hằng tháng" ties two social allowances; after a martyr's recognition it is his family's.
    _, allowance = conversation_replies(
        client, "chú tôi hy sinh năm 1979 ở biên giới mà chưa được công nhận liệt sĩ, làm hồ sơ thế nào",
        "nếu được công nhận thì bà nội tôi còn sống có được trợ cấp hằng tháng không",
    )
    assert MARTYR_FAMILY in allowance and "ý anh/chị là" not in allowance
