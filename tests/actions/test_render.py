import datetime as dt

from actions.render import render_aspect, split_message
from knowledge.schemas import Channel, Document, LegalBasis, ProcedureRecord

RECORD = ProcedureRecord(
    code="demo",
    name="Thủ tục mẫu",
    field="viec_lam",
    channels=[Channel(method="in_person", processing_time="05 ngày làm việc", fee="Không")],
    documents=[
        Document(name="Tờ khai", originals=1, form="Mẫu số 01"),
        Document(name="Hộ chiếu", originals=0, copies=1),
        Document(name="Văn bằng chuyên môn", copies=1, originals=0, case="Nếu là chuyên gia"),
        Document(name="Giấy chứng nhận", copies=1, originals=0, case="Nếu là chuyên gia"),
    ],
    legal_basis=[LegalBasis(number="219/2025/NĐ-CP", title="Nghị định về lao động nước ngoài", date=dt.date(2025, 8, 7))],
    url="https://dichvucong.gov.vn/demo",
    checked_on=dt.date(2026, 11, 22),
    unconfirmed={"fee": "mức phí do tỉnh quyết định"},
)


def test_documents_numbered_grouped_by_case() -> None:
    (text,) = render_aspect(RECORD, "ask_documents")
    assert text.startswith('Dạ, về thủ tục "Thủ tục mẫu":')
    assert "1. Tờ khai (01 bản chính; mẫu: Mẫu số 01)" in text
    assert "2. Hộ chiếu (01 bản sao)" in text
    assert text.index("Nếu là chuyên gia, nộp thêm:") < text.index("3. Văn bằng chuyên môn")
    assert "4. Giấy chứng nhận" in text


def test_every_answer_ends_with_basis_link_and_date() -> None:
    for aspect in ("ask_documents", "ask_fee", "ask_processing_time", "ask_where_to_submit", "ask_eligibility",
                   "ask_procedure_steps", "ask_forms", "ask_legal_basis", "ask_benefit"):
        parts = render_aspect(RECORD, aspect)
        assert "Thủ tục mẫu" in parts[0]
        assert "219/2025/NĐ-CP" in parts[-1] and "https://dichvucong.gov.vn/demo" in parts[-1]
        assert parts[-1].rstrip().endswith("(thông tin kiểm tra ngày 22/11/2026)")


def test_unconfirmed_fact_is_said() -> None:
    (text,) = render_aspect(RECORD, "ask_fee")
    assert "chưa được xác nhận" in text and "mức phí do tỉnh quyết định" in text


def test_split_respects_limit_and_keeps_everything() -> None:
    text = "\n".join(f"{i}. " + "giấy tờ " * 30 for i in range(40))
    parts = split_message(text, 500)
    assert len(parts) > 1 and all(len(p) <= 500 for p in parts)
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_split_cuts_an_overlong_line_at_spaces() -> None:
    parts = split_message("chữ " * 1000, 300)
    assert all(len(p) <= 300 for p in parts)


def test_long_answer_keeps_the_footer_whole() -> None:
    many = RECORD.model_copy(update={"documents": [Document(name=f"Giấy tờ số {i} " + "rất dài " * 20) for i in range(30)]})
    parts = render_aspect(many, "ask_documents", limit=700)
    assert len(parts) > 2 and all(len(p) <= 700 for p in parts)
    assert "📚 Căn cứ pháp lý" in parts[-1] and "🔗 Nguồn" in parts[-1]
    assert all("Nguồn:" not in p for p in parts[:-1])


def test_a_copy_only_paper_is_not_called_an_original() -> None:
    record = RECORD.model_copy(update={"documents": [Document(name="Bản sao giấy khai sinh", copies=1)]})
    (text,) = render_aspect(record, "ask_documents")
    assert "1. Bản sao giấy khai sinh (01 bản sao)" in text
