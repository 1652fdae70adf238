"""Splitting the national portal's flattened tables: values checked by hand against the raw JSON."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from knowledge.importers.channels import parse_channels
from knowledge.importers.documents import parse_documents
from knowledge.importers.legal_basis import parse_legal_basis
from knowledge.importers.national_portal import BrokenRecord, code_for, parse_portal_record
from knowledge.importers.text import NOT_PARSED, outline, slug
from knowledge.schemas import ProcedureRecord

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "portal"
TODAY = dt.date(2026, 11, 23)
LB = "Tên văn bản pháp lýMã văn bản"  # the column titles the crawler glued in front of each table
CH = "Hình thức nộpThời gianPhí, lệ phíMô tả"
TABLE = "--Tên giấy tờMẫu đơn, tờ khaiSố lượng"


def raw(relative: str) -> dict[str, Any]:
    document: dict[str, Any] = json.loads((FIXTURES / relative).read_text(encoding="utf-8"))
    return document


def parsed(relative: str) -> ProcedureRecord:
    return parse_portal_record(raw(relative), checked_on=TODAY).record


def test_notary_probation_exam() -> None:
    """1.013818: three channels of 15 working days at 3,500,000 VND per dossier, three papers."""
    record = parsed("bo-tu-phap/1.013818.json")
    assert record.code == "nc_1_013818" and record.national_code == "1.013818"
    assert record.name == "Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng"
    assert record.field == "cong_chung" and record.level == "province" and record.agency == "Sở Tư pháp"
    assert [c.method for c in record.channels] == ["online", "in_person", "post"]
    assert {c.processing_time for c in record.channels} == {"15 ngày làm việc"}
    fee = record.channels[0].fee
    assert fee.startswith("3.500.000 đồng/hồ sơ (áp dụng mức phí 1.750.000 đồng/hồ sơ")
    assert [(d.originals, d.copies) for d in record.documents] == [(1, 0)] * 3
    assert record.documents[2].name.startswith("Giấy đăng ký tham dự kiểm tra kết quả tập sự")
    assert record.documents[2].form == "Mẫu TP-TSCC-10.doc"
    assert [b.number for b in record.legal_basis] == ["64/2025/TT-BTC", "257/2016/TT-BTC", "06/2025/TT-BTP"]
    assert record.unconfirmed == {}
    assert record.source == "national_portal" and record.checked_on == TODAY
    assert record.url == "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd-7e7f-77f8-ba74-3f3328ddfa7c"
    assert len(record.steps) == 2 and record.steps[1].startswith("Trong thời hạn 15 ngày làm việc")


def test_return_to_nationality_abroad() -> None:
    """1.004757: "Trực tuyến1200 VNĐ" cannot be split safely (1 + 200? 12 + 00?) and says so."""
    record = parsed("bo-tu-phap/1.004757.json")
    assert record.unconfirmed == {"fee": NOT_PARSED, "processing_time": NOT_PARSED}
    assert all(c.fee == "Chưa rõ" and c.note == "bản ghi: 1200 VNĐ" for c in record.channels)
    assert [(d.originals, d.copies) for d in record.documents] == [
        (3, 0),
        (3, 0),
        (3, 0),
        (0, 3),
        (0, 3),
        (0, 3),
        (3, 0),
        (3, 0),
        (0, 3),
        (3, 0),
    ]
    assert record.documents[-1].name == "Đơn xin trở lại quốc tịch Việt Nam."
    assert [b.number for b in record.legal_basis] == [
        "12/2025/TT-BTP",
        "79/2025/QH15",
        "264/2016/TT-BTC",
        "24/2008/QH12",
        "66.7/2025/NQ-CP",
        "191/2025/NĐ-CP",
    ]
    assert record.legal_basis[3].title == "LUẬT QUỐC TỊCH VIỆT NAM"
    assert record.legal_basis[5].date == dt.date(2025, 7, 1)  # "ngày 01 tháng 7 năm 2025"


def test_guardianship_registration_bare_time_and_shown_papers() -> None:
    """1.001669: time "5" without a unit is kept and flagged; papers to show are marked as such."""
    record = parsed("bo-tu-phap/1.001669.json")
    assert {c.processing_time for c in record.channels} == {"5"}
    assert record.unconfirmed == {"processing_time": "bản ghi của Cổng không ghi đơn vị thời gian"}
    assert record.channels[0].fee.startswith("Miễn phí (Mức lệ phí cụ thể do Hội đồng nhân dân tỉnh")
    submitted = [d for d in record.documents if d.note is None][:2]
    assert [(d.originals, d.copies) for d in submitted] == [(1, 0), (1, 0)]
    shown = [d for d in record.documents if d.note == "xuất trình khi nộp hồ sơ"]
    # The "Trường hợp ... thì ..." sentences between the papers to show are notes, not papers.
    assert [(d.originals, d.copies) for d in shown] == [(1, 0), (1, 0)]
    assert all(d.originals or d.copies for d in record.documents)
    assert "Trường hợp gửi hồ sơ qua hệ thống bưu chính thì phải gửi kèm" in (record.notes or "")
    numbers = [b.number for b in record.legal_basis]
    assert numbers == [
        "04/2024/TT-BTP",
        "106/2021/TT-BTC",
        "04/2020/TT-BTP",
        "07/2025/NĐ-CP",
        "120/2025/NĐ-CP",
        "66.7/2025/NQ-CP",
        "60/2014/QH13",
        "01/2022/TT-BTP",
        "85/2019/TT-BTC",
        "104/2022/NĐ-CP",
        "123/2015/NĐ-CP",
        "08/2025/TT-BTP",
        "18/2026/NĐ-CP",
        "87/2020/NĐ-CP",
        "91/2015/QH13",
    ]
    assert "02/2020/TT-BTP" not in numbers  # quoted inside a title, not a row of the table
    assert record.level == "commune" and record.field == "ho_tich"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A bare time glued to an amount is cut after the bare time another row shows on its own;
        # 20 "đồng" paid abroad is 20 USD.
        (
            CH + "Trực tuyến120 VNĐ(Nếu nộp ở nước ngoài)Trực tiếp1Miễn phí",
            [("online", "1", "20 USD (Nếu nộp ở nước ngoài)"), ("in_person", "1", "Miễn phí")],
        ),
        # "Trực tiếp thực hiện..." inside a description does not start a row.
        (
            CH + "Trực tiếpKhông có thông tin8,000 VNĐTrực tiếp thực hiện",
            [("in_person", "Không có thông tin", "8.000 đồng")],
        ),
        (
            CH + "Trực tuyếnKhông có thông tin10 USD(/bản)",
            [("online", "Không có thông tin", "10 USD/bản")],
        ),
    ],
)
def test_channel_rows(text: str, expected: list[tuple[str, str, str]]) -> None:
    assert [(c.method, c.processing_time, c.fee) for c in parse_channels(text).channels] == expected


def test_channel_description_becomes_the_note() -> None:
    text = CH + "Trực tuyến20 Ngày làm việcMiễn phí20 ngày kể từ ngày nhận đủ hồ sơ"
    (channel,) = parse_channels(text).channels
    assert channel.note == "20 ngày kể từ ngày nhận đủ hồ sơ"


def test_quantity_glued_to_a_number_in_the_name() -> None:
    text = TABLE + "1. Đơn đề nghị theo mẫu tại Phụ lục số 031 bản chính2. Báo cáo1 bản chính"
    documents = parse_documents(text).documents
    assert [(d.name, d.originals) for d in documents] == [
        ("1. Đơn đề nghị theo mẫu tại Phụ lục số 03", 1),
        ("2. Báo cáo", 1),
    ]


def test_quantity_words_inside_a_name_do_not_end_the_row() -> None:
    text = (
        TABLE + "Hợp đồng bảo đảm (01 bản chính hoặc 01 bản sao có chứng thực)"
        " trừ trường hợp khác.1 bản chính,1 bản saoPhiếu yêu cầuMau so 01d.docx1 bản chính"
    )
    documents = parse_documents(text).documents
    assert [(d.originals, d.copies, d.form) for d in documents] == [(1, 1, None), (1, 0, "Mau so 01d.docx")]
    assert documents[0].name.startswith("Hợp đồng bảo đảm (01 bản chính hoặc")


def test_group_headers_become_cases() -> None:
    text = (
        "* Giấy tờ phải nộp:" + TABLE[2:] + "Tờ khai1 bản chính"
        "Trường hợp ủy quyền:" + TABLE[2:] + "Văn bản ủy quyền1 bản chính"
    )
    documents = parse_documents(text).documents
    assert [(d.name, d.case) for d in documents] == [
        ("Tờ khai", None),
        ("Văn bản ủy quyền", "Trường hợp ủy quyền"),
    ]


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        (
            LB + "Thông tư 216/2016/TT-BTC216/2016/TT-BTCQuy định chi tiết120/2016/NĐ-CP",
            ["216/2016/TT-BTC", "120/2016/NĐ-CP"],
        ),
        (
            LB + "Luật Công chứng năm 202446/2024/QH15Quyết định về tổ chức1898/QĐ-BTP",
            ["46/2024/QH15", "1898/QĐ-BTP"],
        ),
        (
            LB + "Quyết định 28/2023/QĐ-TTgThông tư số 01/2010/TT-BTPsửa đổi bổ sung05/2012/NĐ-CP",
            ["28/2023/QĐ-TTg", "01/2010/TT-BTP", "05/2012/NĐ-CP"],
        ),
        (
            LB + "Nghị định quy định chi tiết123/2015/NĐ-CPTHÔNG TƯ HƯỚNG DẪN04/2020/TT-BTP",
            ["123/2015/NĐ-CP", "04/2020/TT-BTP"],
        ),
    ],
)
def test_legal_basis_glue(text: str, numbers: list[str]) -> None:
    assert [b.number for b in parse_legal_basis(text).legal_basis] == numbers


def test_legal_basis_title_keeps_its_words_and_drops_the_cell_prefix() -> None:
    text = LB + "Nghị định quy định về thanh toán không dùng tiền mặtNghị định 52/2024/NĐ-CP"
    (basis,) = parse_legal_basis(text).legal_basis
    assert (basis.number, basis.title) == (
        "52/2024/NĐ-CP",
        "Nghị định quy định về thanh toán không dùng tiền mặt",
    )


def test_unreadable_legal_basis_is_reported() -> None:
    result = parse_legal_basis(LB + "Quyết định của tỉnh Sơn La24/2024")
    assert result.problems == {"legal_basis": NOT_PARSED}


def test_steps_follow_the_step_numbers() -> None:
    text = "+ Bước 1: Nộp hồ sơ;\n+ Bước 2: Kiểm tra.\nTrường hợp thiếu thì bổ sung.\n+ Bước 3: Trả kết quả."
    assert outline(text) == ["Nộp hồ sơ;", "Kiểm tra.\nTrường hợp thiếu thì bổ sung.", "Trả kết quả."]


def test_sub_items_stay_inside_their_item() -> None:
    text = "- Nộp hồ sơ tại Sở Tư pháp.\n+ Trực tiếp;\n+ Qua bưu chính.\n- Nhận kết quả."
    assert outline(text) == ["Nộp hồ sơ tại Sở Tư pháp.\n+ Trực tiếp;\n+ Qua bưu chính.", "Nhận kết quả."]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Hộ tịch", "ho_tich"),
        ("Thành lập và hoạt động ngân hàng", "thanh_lap_va_hoat_dong_ngan_hang"),
        ("Đăng ký biện pháp bảo đảm", "dang_ky_bien_phap_bao_dam"),
    ],
)
def test_field_slug(name: str, expected: str) -> None:
    assert slug(name) == expected


def test_code_is_derived_from_the_national_code() -> None:
    assert code_for("1.000080") == "nc_1_000080"


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"ten_thu_tuc": "Đăng ký khai sinh"}, "ma_thu_tuc"),
        ({"ma_thu_tuc": "1.000001", "ten_thu_tuc": "  "}, "ten_thu_tuc"),
        ({"ma_thu_tuc": "abc", "ten_thu_tuc": "Đăng ký khai sinh"}, "mã thủ tục"),
    ],
)
def test_broken_records_are_refused(record: dict[str, Any], message: str) -> None:
    with pytest.raises(BrokenRecord, match=message):
        parse_portal_record(record, checked_on=TODAY)


# The failures found when importing ministries the importer had never seen, each on a record of
# fixtures/portal/excerpts written in the portal's layout.


def test_dossier_ending_in_dashes_does_not_crash() -> None:
    """A table that ends in the crawler's empty cell "--" used to raise IndexError at forms[0]."""
    documents = parse_documents(TABLE + "Tờ khai1 bản chínhẢnh chân dung1 bản chính--").documents
    assert [(d.name, d.originals) for d in documents] == [("Tờ khai", 1), ("Ảnh chân dung", 1)]
    record = parsed("excerpts/9.900001.json")
    assert [d.name for d in record.documents] == ["Tờ khai đề nghị cấp hộ chiếu (mẫu TK01)", "Ảnh chân dung"]


@pytest.mark.parametrize(
    ("relative", "cases"),
    [
        ("excerpts/9.900002.json", ["Đối với doanh nghiệp tư nhân"] * 2 + ["Đối với công ty hợp danh"] * 2),
        ("excerpts/9.900003.json", ["Trường hợp cấp lần đầu"] * 2 + ["Trường hợp cấp lại do bị mất"]),
    ],
)
def test_first_group_keeps_its_condition(relative: str, cases: list[str]) -> None:
    """ "(1.1) Đối với…" / "(i) Trường hợp…" before the first table is that group's case, not an
    introduction: its papers are not required from everyone."""
    record = parsed(relative)
    assert [d.case for d in record.documents] == cases
    parse = parse_documents(raw(relative)["thanh_phan_ho_so"])
    assert parse.conditional and parse.conditions_kept


def test_first_group_condition_is_rendered() -> None:
    from actions.render import documents

    text = documents(parsed("excerpts/9.900002.json"))
    assert "\nĐối với doanh nghiệp tư nhân:\n1. Thông báo thay đổi" in text
    assert "\nĐối với công ty hợp danh:\n3. Thông báo thay đổi" in text


def test_number_glued_to_a_title_in_capitals() -> None:
    """ "56/2021/TT-BCASỬA ĐỔI, BỔ SUNG ..." is the number 56/2021/TT-BCA, then a title that keeps "SỬA"."""
    record = parsed("excerpts/9.900001.json")
    assert [(b.number, b.title) for b in record.legal_basis] == [
        ("73/2021/TT-BCA", "Thông tư quy định về mẫu hộ chiếu, giấy thông hành và các mẫu giấy tờ liên quan"),
        ("56/2021/TT-BCA", "Thông tư quy định về cấp hộ chiếu, giấy thông hành"),
        ("28/2024/TT-BCA", "SỬA ĐỔI, BỔ SUNG MỘT SỐ ĐIỀU CỦA THÔNG TƯ SỐ 73/2021/TT-BCA"),
    ]


def test_notes_and_sub_headings_are_not_papers() -> None:
    """A "Lưu ý" row and a "Trường hợp ... thì ..." sentence are notes; "… gồm một trong các giấy tờ
    sau đây:" heads the papers it lists; no paper is left with 0 originals and 0 copies."""
    record = parsed("excerpts/9.900004.json")
    assert [(d.name, d.originals, d.copies) for d in record.documents] == [
        ("Tờ khai thay đổi thông tin cư trú", 1, 0),
        ("Giấy chứng nhận quyền sử dụng đất", 0, 1),
        ("Hợp đồng thuê nhà", 0, 1),
    ]
    assert record.documents[1].note == record.documents[2].note
    assert (record.documents[1].note or "").startswith(
        "Giấy tờ, tài liệu chứng minh chỗ ở hợp pháp gồm một trong"
    )
    notes = record.notes or ""
    assert "bản sao phải có chứng thực hoặc kèm bản chính" in notes
    assert "Trường hợp nộp hồ sơ qua dịch vụ bưu chính thì gửi kèm" in notes


def test_expired_and_dollar_fees() -> None:
    """A fee "áp dụng đến 31/12/2023" is said to be expired; a reduced rate that ran out is dropped
    with a note; 50 "Đồng" charged in dollars is 50 USD. Each is reported."""
    record = parse_portal_record(raw("excerpts/9.900003.json"), checked_on=TODAY).record
    fees = {c.method: c.fee for c in record.channels}
    assert fees["in_person"] == "500.000 đồng (mức này chỉ áp dụng đến 31/12/2023, đã hết hạn)"
    assert fees["post"] == "300.000 đồng/hồ sơ (đã bỏ mức phí chỉ áp dụng đến 31/12/2023)"
    assert fees["online"].startswith("50 USD")
    assert "đã hết hạn" in record.unconfirmed["fee"] and "50 USD" in record.unconfirmed["fee"]
    # Before its end date the same rate is current and nothing is flagged.
    earlier = parse_portal_record(raw("excerpts/9.900003.json"), checked_on=dt.date(2023, 6, 1)).record
    assert {c.method: c.fee for c in earlier.channels}["in_person"] == "500.000 đồng (áp dụng đến 31/12/2023)"


@pytest.mark.parametrize(
    ("row", "fee"),
    [
        # The thousands another row of the same record shows.
        (
            "Trực tuyến15 Ngày làm việc800 Việt Nam ĐồngTrực tiếp15 Ngày làm việc800,000 Việt Nam Đồng",
            "800.000 đồng",
        ),
        # No dollar, no other row: not given as a fee.
        ("Trực tuyến7 Ngày làm việc50 VNĐ", "Chưa rõ (Cổng ghi “50 đồng”)"),
    ],
)
def test_amounts_under_a_thousand_dong(row: str, fee: str) -> None:
    parse = parse_channels(CH + row)
    assert parse.channels[0].fee == fee and "fee" in parse.problems


def test_imported_record_says_imported_not_checked() -> None:
    from actions.render import source_footer

    record = parsed("bo-tu-phap/1.013818.json")
    assert record.imported_on == TODAY
    footer = source_footer(record)
    assert "nhập từ Cổng Dịch vụ công quốc gia ngày 23/11/2026" in footer and "kiểm tra ngày" not in footer


def test_glued_legislature_and_number() -> None:
    """ "Luật số 32/2024/QH1573/2025/TT-NHNN": QH15, then 73/2025/TT-NHNN (a legislature has two digits)."""
    text = LB + "Luật Các tổ chức tín dụngLuật số 32/2024/QH1573/2025/TT-NHNNSố 73/2025/TT-NHNN"
    basis = parse_legal_basis(text).legal_basis
    assert [b.number for b in basis] == ["32/2024/QH15", "73/2025/TT-NHNN"]
    assert basis[0].title == "Luật Các tổ chức tín dụng"
