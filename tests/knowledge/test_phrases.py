"""What people call an imported procedure, derived from its official name (knowledge/importers/phrases.py)."""

from __future__ import annotations

import pytest

from knowledge.importers.phrases import borrowed_names, derive_phrases, distinct_phrases


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (
            "Thủ tục cấp hộ chiếu phổ thông ở trong nước thực hiện tại cấp tỉnh",
            [
                "cấp hộ chiếu phổ thông ở trong nước",
                "cấp hộ chiếu phổ thông",
                "hộ chiếu phổ thông",
                "hộ chiếu phổ thông ở trong nước",
                "hộ chiếu",
            ],
        ),
        (
            "Cấp giấy phép lao động đối với người lao động nước ngoài",
            ["cấp giấy phép lao động", "giấy phép lao động"],
        ),
        ("Đăng ký xe máy tại Công an cấp xã", ["đăng ký xe máy"]),
        ("Phục hồi danh dự (cấp trung ương)", ["phục hồi danh dự"]),
        (
            "Cấp giấy phép thành lập Công ty luật nước ngoài",
            ["giấy phép thành lập Công ty luật nước ngoài", "thành lập Công ty luật nước ngoài"],
        ),
        # A verb that changes the procedure stays: "cấp lại" is not "cấp".
        (
            "Thủ tục cấp lại Giấy đăng ký tham gia trợ giúp pháp lý",
            ["cấp lại Giấy đăng ký tham gia trợ giúp pháp lý"],
        ),
    ],
)
def test_core_and_short_forms(name: str, expected: list[str]) -> None:
    aliases, _ = derive_phrases(name)
    assert aliases == expected


def test_abbreviations_both_ways() -> None:
    _, keywords = derive_phrases("Cấp giấy phép lao động đối với người lao động nước ngoài")
    assert "cấp GPLĐ" in keywords
    _, keywords = derive_phrases("Chấp thuận thay đổi tên của TCTD")
    assert "thay đổi tên của tổ chức tín dụng" in keywords


def test_what_the_name_says_it_is_called() -> None:
    aliases, _ = derive_phrases("Thủ tục đề nghị cấp mã tổ chức phát hành thẻ ngân hàng (gọi tắt là mã BIN).")
    assert aliases[0] == "mã BIN" and "mã tổ chức phát hành thẻ ngân hàng" in aliases


def test_the_name_itself_is_no_alias() -> None:
    aliases, keywords = derive_phrases("Chứng thực di chúc")
    assert aliases == [] and keywords == []


def test_shared_and_curated_phrases_are_dropped() -> None:
    derived = {
        "a": (["giấy phép hoạt động ngân hàng", "mở chi nhánh"], []),
        "b": (["giấy phép hoạt động ngân hàng", "đổi tên ngân hàng"], []),
        "c": (["giấy phép hoạt động ngân hàng"], []),
    }
    kept = distinct_phrases(derived, taken=["Đổi tên ngân hàng"])
    assert kept == {"a": (["mở chi nhánh"], []), "b": ([], []), "c": ([], [])}


def test_listed_names_go_to_the_records_they_fit_best() -> None:
    names = {"ket_hon": "Thủ tục đăng ký kết hôn", "luu_dong": "Thủ tục đăng ký kết hôn lưu động"}
    borrowed = borrowed_names(names, [("Đăng ký kết hôn", ("làm giấy kết hôn",)), ("Đăng ký khai sinh", ())])
    assert borrowed == {"ket_hon": ["Đăng ký kết hôn", "làm giấy kết hôn"]}


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        # The first of a list: "giám định tiền giả" ("..., tiền nghi giả"); not a two-word request.
        ("Thủ tục giám định tiền giả, tiền nghi giả", "giám định tiền giả"),
        # The activity a paper allows: "đăng ký (làm) đại lý", "mang vàng khi xuất cảnh ...".
        ("Thủ tục cấp Giấy chứng nhận đăng ký đại lý đổi ngoại tệ", "đăng ký đại lý đổi ngoại tệ"),
        (
            "Thủ tục cấp Giấy phép mang vàng khi xuất cảnh định cư ở nước ngoài",
            "mang vàng khi xuất cảnh định cư ở nước ngoài",
        ),
        # The paper inside the name, and "đủ điều kiện", are left out the way people leave them out.
        (
            "Thủ tục đề nghị chấp thuận nguyên tắc cấp Giấy phép thành lập chi nhánh ngân hàng nước ngoài",
            "chấp thuận nguyên tắc thành lập chi nhánh ngân hàng nước ngoài",
        ),
        (
            "Cấp Giấy chứng nhận đủ điều kiện hoạt động cung ứng dịch vụ thông tin tín dụng",
            "giấy chứng nhận hoạt động cung ứng dịch vụ thông tin tín dụng",
        ),
    ],
)
def test_short_forms_people_use(name: str, alias: str) -> None:
    aliases, _ = derive_phrases(name)
    assert alias in aliases


def test_no_short_form_of_two_words_that_only_asks() -> None:
    aliases, _ = derive_phrases("Thủ tục đề nghị sao, chụp hình ảnh tiền Việt Nam")
    assert "đề nghị sao" not in aliases


def test_everyday_words_are_weaker_phrases() -> None:
    aliases, keywords = derive_phrases("Thủ tục tự nguyện chấm dứt hoạt động sản xuất vàng miếng")
    assert "ngừng sản xuất vàng miếng" in keywords and "ngừng sản xuất vàng miếng" not in aliases


def test_a_listed_name_goes_to_the_record_that_issues_not_one_that_renews() -> None:
    names = {
        "doi": "Thủ tục cấp đổi Giấy phép thành lập và hoạt động của Quỹ tín dụng nhân dân",
        "sao": "Thủ tục cấp bản sao Giấy Phép từ sổ gốc Giấy phép thành lập và hoạt động của Quỹ tín dụng nhân dân",
        "cap": "Thủ tục cấp giấy phép thành lập và hoạt động quỹ tín dụng nhân dân sau khi chấp thuận nguyên tắc",
    }
    borrowed = borrowed_names(names, [("Cấp giấy phép thành lập quỹ tín dụng nhân dân", ())])
    assert borrowed == {"cap": ["Cấp giấy phép thành lập quỹ tín dụng nhân dân"]}


def test_a_listed_name_is_matched_without_the_words_of_its_paper() -> None:
    names = {
        "dai_ly": "Thủ tục cấp Giấy chứng nhận đăng ký đại lý đổi ngoại tệ",
        "thay_doi": "Thủ tục cấp Giấy chứng nhận đăng ký thay đổi đại lý đổi ngoại tệ",
    }
    borrowed = borrowed_names(names, [("Cấp giấy phép làm đại lý đổi ngoại tệ", ())])
    assert borrowed == {"dai_ly": ["Cấp giấy phép làm đại lý đổi ngoại tệ"]}


@pytest.mark.parametrize(
    ("name", "alias"),
    [
        # "của", "việc", "tại Việt Nam" and "nội dung" are written, not said.
        (
            "Đăng ký hoạt động của chi nhánh của công ty luật nước ngoài tại Việt Nam",
            "đăng ký hoạt động chi nhánh công ty luật nước ngoài",
        ),
        ("Đăng ký chấm dứt giám sát việc giám hộ", "đăng ký chấm dứt giám sát giám hộ"),
        (
            "Thay đổi nội dung Giấy phép thành lập của Trung tâm trọng tài",
            "thay đổi Giấy phép thành lập Trung tâm trọng tài",
        ),
        # The authority's own verb: people ask for what it settles.
        ("Thủ tục giải quyết khiếu nại về trợ giúp pháp lý", "khiếu nại về trợ giúp pháp lý"),
        # Two procedures in one name are asked by the first.
        (
            "Đăng ký hoạt động của Chi nhánh Trung tâm trọng tài; đăng ký hoạt động của Chi nhánh khi thay đổi trụ sở",
            "đăng ký hoạt động Chi nhánh Trung tâm trọng tài",
        ),
        # An office a procedure is about is no agency that handles it.
        (
            "Cấp lại Giấy đăng ký hoạt động của Văn phòng giám định tư pháp trong trường hợp bị mất",
            "cấp lại Giấy đăng ký hoạt động Văn phòng giám định tư pháp",
        ),
    ],
)
def test_words_only_written_are_left_out(name: str, alias: str) -> None:
    aliases, _ = derive_phrases(name)
    assert alias in aliases


def test_an_agency_that_handles_the_procedure_is_still_cut_off() -> None:
    aliases, _ = derive_phrases("Cấp giấy xác nhận do Sở Tư pháp cấp")
    assert "cấp giấy xác nhận" in aliases


@pytest.mark.parametrize(
    ("name", "keyword"),
    [
        # Everyday words together: "biện pháp bảo đảm" is a mortgage, land-use rights a red book.
        (
            "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất, tài sản gắn liền với đất",
            "xóa thế chấp sổ đỏ",
        ),
        ("Đăng ký biện pháp bảo đảm bằng tàu bay", "đăng ký thế chấp tàu bay"),
        # A change of several particulars of an office is asked as a change of the office.
        (
            "Thay đổi tên gọi, trưởng chi nhánh, địa chỉ trụ sở của chi nhánh tổ chức hòa giải thương mại nước ngoài",
            "thay đổi chi nhánh tổ chức hòa giải thương mại nước ngoài",
        ),
    ],
)
def test_everyday_wording_as_keywords(name: str, keyword: str) -> None:
    aliases, keywords = derive_phrases(name)
    assert keyword in keywords and keyword not in aliases


def test_a_listed_name_is_matched_by_the_record_s_everyday_wording() -> None:
    names = {
        "xoa": "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất",
        "tau": "Xóa đăng ký biện pháp bảo đảm bằng tàu biển",
    }
    listed = [("Xóa đăng ký thế chấp quyền sử dụng đất", ("giải chấp sổ đỏ",))]
    assert borrowed_names(names, listed) == {}
    wording = {code: derive_phrases(name)[1] for code, name in names.items()}
    assert borrowed_names(names, listed, wording) == {
        "xoa": ["Xóa đăng ký thế chấp quyền sử dụng đất", "giải chấp sổ đỏ"]
    }
