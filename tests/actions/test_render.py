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
    legal_basis=[
        LegalBasis(
            number="219/2025/NĐ-CP", title="Nghị định về lao động nước ngoài", date=dt.date(2025, 8, 7)
        )
    ],
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
    for aspect in (
        "ask_documents",
        "ask_fee",
        "ask_processing_time",
        "ask_where_to_submit",
        "ask_eligibility",
        "ask_procedure_steps",
        "ask_forms",
        "ask_legal_basis",
        "ask_benefit",
    ):
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
    many = RECORD.model_copy(
        update={"documents": [Document(name=f"Giấy tờ số {i} " + "rất dài " * 20) for i in range(30)]}
    )
    parts = render_aspect(many, "ask_documents", limit=700)
    assert len(parts) > 2 and all(len(p) <= 700 for p in parts)
    assert "📚 Căn cứ pháp lý" in parts[-1] and "🔗 Nguồn" in parts[-1]
    assert all("Nguồn:" not in p for p in parts[:-1])


def test_a_copy_only_paper_is_not_called_an_original() -> None:
    record = RECORD.model_copy(update={"documents": [Document(name="Bản sao giấy khai sinh", copies=1)]})
    (text,) = render_aspect(record, "ask_documents")
    assert "1. Bản sao giấy khai sinh (01 bản sao)" in text


def test_an_unconfirmed_figure_is_said_as_unconfirmed_before_the_figure() -> None:
    record = RECORD.model_copy(
        update={
            "benefit": "Mức chuẩn 540.000 đồng/tháng; hệ số 2,0 là 1.080.000 đồng/tháng.",
            "unconfirmed": {"benefit": "Nghị định 335/2026/NĐ-CP chưa đối chiếu được toàn văn"},
        }
    )
    (text,) = render_aspect(record, "ask_benefit")
    line = next(line for line in text.splitlines() if line.startswith("Mức hưởng:"))
    assert line.index("theo thông tin chưa được xác nhận chính thức") < line.index("1.080.000")
    assert "Nghị định 335/2026/NĐ-CP chưa đối chiếu được toàn văn" in line
    assert "vui lòng kiểm tra lại tại https://dichvucong.gov.vn/demo" in text


def test_a_confirmed_figure_carries_no_caveat() -> None:
    record = RECORD.model_copy(update={"benefit": "60% tiền lương", "unconfirmed": {}})
    (text,) = render_aspect(record, "ask_benefit")
    assert "Mức hưởng: 60% tiền lương" in text and "chưa được xác nhận" not in text


def test_an_unconfirmed_fact_is_said_as_unconfirmed() -> None:
    from actions.render import render_fact
    from knowledge.schemas import Fact

    fact = Fact(
        aspect="eligibility",
        asks=["nộp trước 60 ngày được không"],
        answer="Không. Nộp từ 60 đến 10 ngày trước.",
        basis="Nghị định 219/2025/NĐ-CP",
        unconfirmed="khung 60–10 ngày chưa đối chiếu điều khoản gốc",
    )
    (text,) = render_fact(RECORD, fact)
    body = text.split("\n", 1)[1]
    assert body.startswith("Điều kiện: (⚠️ theo thông tin chưa được xác nhận chính thức: khung 60–10 ngày")
    assert body.index("chưa được xác nhận") < body.index("Không. Nộp")
    assert "(Căn cứ: Nghị định 219/2025/NĐ-CP)" in text and "vui lòng kiểm tra lại tại" in text


def test_the_footer_names_articles_and_the_national_code() -> None:
    record = RECORD.model_copy(
        update={
            "national_code": "1.014199",
            "legal_basis": [LegalBasis(number="45/2019/QH14", title="Bộ luật Lao động", articles="Điều 151")],
        }
    )
    (text,) = render_aspect(record, "ask_fee")
    assert "📚 Căn cứ pháp lý: 45/2019/QH14 (Bộ luật Lao động, Điều 151)" in text
    assert (
        "🔗 Nguồn: https://dichvucong.gov.vn/demo — mã thủ tục 1.014199 (thông tin kiểm tra ngày 22/11/2026)"
        in text
    )


def test_an_imported_record_is_never_called_checked() -> None:
    for update in ({"source": "national_portal"}, {"imported_on": dt.date(2026, 11, 20)}):
        (text,) = render_aspect(RECORD.model_copy(update=update), "ask_fee")
        assert "kiểm tra ngày" not in text and "dữ liệu nhập từ Cổng Dịch vụ công quốc gia ngày" in text
        assert "chưa được kiểm tra lại" in text
