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
