import datetime as dt

from actions.facts import AspectCertainty, FactIndex
from actions.render import ASPECT_HEADINGS, render_fact
from knowledge.schemas import Fact, LegalBasis, ProcedureRecord

DEADLINE = Fact(
    aspect="eligibility",
    asks=["nộp hồ sơ quá hạn 3 tháng sau khi nghỉ việc có được không", "nghỉ việc lâu rồi mới nộp có được không"],
    answer="Không. Hồ sơ phải nộp trong 03 tháng kể từ ngày chấm dứt hợp đồng.",
    basis="Điều 39 Luật Việc làm 74/2025/QH15",
)
NEW_JOB = Fact(
    aspect="steps",
    asks=["đang hưởng trợ cấp mà có việc làm mới có phải báo không"],
    answer="Có. Phải thông báo cho Trung tâm Dịch vụ việc làm trong 03 ngày làm việc.",
)
RECORD = ProcedureRecord(
    code="benefit", name="Hưởng trợ cấp mẫu", field="viec_lam", checked_on=dt.date(2026, 11, 22),
    legal_basis=[LegalBasis(number="74/2025/QH15", title="Luật Việc làm")], facts=[DEADLINE, NEW_JOB],
)
OTHER = ProcedureRecord(
    code="other", name="Thủ tục khác", field="viec_lam", checked_on=dt.date(2026, 11, 22),
    legal_basis=[LegalBasis(number="1/2025", title="x")],
    facts=[Fact(aspect="fee", asks=["có mất phí không"], answer="Không mất phí.")],
)


class Catalogue:
    revision = 1

    def all(self) -> list[ProcedureRecord]:
        return [RECORD, OTHER]


def test_a_yes_no_question_finds_its_fact_with_and_without_diacritics() -> None:
    index = FactIndex(Catalogue())
    assert index.best("benefit", "em nghỉ việc quá 3 tháng rồi giờ nộp hồ sơ còn được không ạ") is DEADLINE
    assert index.best("benefit", "dang huong tro cap ma co viec lam moi thi co phai bao ko") is NEW_JOB


def test_no_fact_for_a_question_it_does_not_hold() -> None:
    index = FactIndex(Catalogue())
    assert index.best("benefit", "hồ sơ gồm những gì") is None
    # Facts belong to their procedure: another entry's fact is never used.
    assert index.best("benefit", "có mất phí không") is None
    assert index.best("benefit", "nộp quá hạn 3 tháng có được không", aspect="fee") is None


def test_a_fact_answer_opens_with_its_aspect_heading_and_cites_the_article() -> None:
    (text,) = render_fact(RECORD, DEADLINE)
    assert text.startswith('Dạ, về thủ tục "Hưởng trợ cấp mẫu":\nĐiều kiện: Không.')
    assert "(Căn cứ: Điều 39 Luật Việc làm 74/2025/QH15)" in text
    assert "📚 Căn cứ pháp lý: 74/2025/QH15" in text
    assert any(line.startswith(ASPECT_HEADINGS["ask_procedure_steps"]) for line in render_fact(RECORD, NEW_JOB)[0].splitlines())


def test_a_fact_of_another_aspect_answers_only_when_the_classifier_leaves_room_for_it() -> None:
    certainty = AspectCertainty(sure=0.75, second=0.15)
    # Sure it asks the steps, and no chance for the fee: the fee fact sharing words does not answer.
    assert not certainty.allows("ask_fee", {"ask_procedure_steps": 0.98, "ask_fee": 0.01}, "ask_procedure_steps")
    # Unsure of its aspect: the fact's words decide.
    assert certainty.allows("ask_fee", {"ask_procedure_steps": 0.55, "ask_fee": 0.05}, "ask_procedure_steps")
    # Sure, but the fact's aspect is a real runner-up.
    assert certainty.allows("ask_eligibility", {"ask_procedure_steps": 0.8, "ask_eligibility": 0.18}, "ask_procedure_steps")


def test_the_words_naming_the_procedure_do_not_make_a_question_specific() -> None:
    photos = Fact(aspect="documents", asks=["cần mấy ảnh làm thẻ hội viên câu lạc bộ"], answer="02 ảnh 4x6.")
    card = ProcedureRecord(
        code="card", name="Cấp thẻ hội viên câu lạc bộ", field="viec_lam", checked_on=dt.date(2026, 11, 22),
        aliases=["làm thẻ hội viên"], legal_basis=[LegalBasis(number="1/2025", title="x")], facts=[photos],
    )

    class WithCard:
        revision = 1

        def all(self) -> list[ProcedureRecord]:
            return [card]

    index = FactIndex(WithCard())
    # The whole list of papers is asked, not the photos: the shared words only name the card.
    assert index.best("card", "làm thẻ hội viên câu lạc bộ cần giấy tờ gì") is None
    assert index.best("card", "lam the hoi vien cau lac bo can may anh") is photos
