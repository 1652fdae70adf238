"""After ``dvcbot catalogue import``, the bot answers about the imported procedures too."""

from __future__ import annotations

import uuid

import pytest
from fastapi.testclient import TestClient

from bot.service import ABBREVIATIONS_FILE, Service, load_catalogue, question_paths
from bot.settings import Settings
from knowledge.catalogue import as_catalogue_entry
from knowledge.loader import load_catalogue_dir
from nlu.interpreter import fingerprint
from tests.conftest import joined, say
from tests.knowledge.conftest import FIXTURE_RECORDS

NOTARY_EXAM = "Đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng"


def sender() -> str:
    return f"import-{uuid.uuid4().hex[:8]}"


def test_import_changes_the_model_fingerprint(imported_settings: Settings, imported_service: Service) -> None:
    """The next start retrains: the fingerprint covers the catalogue."""
    files = [imported_settings.path(p) for p in imported_settings.nlu_data]
    files.append(imported_settings.path(ABBREVIATIONS_FILE))
    files += [imported_settings.path(p) for p in imported_settings.other_procedures]
    files += question_paths(imported_settings)
    curated = [
        as_catalogue_entry(r)
        for r in load_catalogue_dir(imported_settings.path(imported_settings.catalogue_data))
    ]
    imported = [as_catalogue_entry(r) for r in load_catalogue(imported_settings).all()]
    assert len(imported) == len(curated) + FIXTURE_RECORDS
    assert imported_service.interpreter.fingerprint == fingerprint(
        imported_settings.pipeline, files, imported
    )
    assert imported_service.interpreter.fingerprint != fingerprint(imported_settings.pipeline, files, curated)


@pytest.mark.parametrize(
    "question",
    [
        "hồ sơ đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng gồm những gì",
        "ho so dang ky tham du kiem tra ket qua tap su hanh nghe cong chung gom nhung gi",
    ],
)
def test_documents_of_an_imported_procedure(imported_client: TestClient, question: str) -> None:
    text = joined(say(imported_client, sender(), question))
    assert text.startswith(f'Dạ, về thủ tục "{NOTARY_EXAM}"')
    assert "Hồ sơ gồm:" in text and "Mẫu TP-TSCC-10.doc" in text
    assert "64/2025/TT-BTC" in text and "https://dichvucong.gov.vn/thu-tuc-hanh-chinh/" in text


def test_fee_and_follow_up_on_an_imported_procedure(imported_client: TestClient) -> None:
    user = sender()
    fee = joined(
        say(imported_client, user, "lệ phí đăng ký tham dự kiểm tra kết quả tập sự hành nghề công chứng")
    )
    assert NOTARY_EXAM in fee and "3.500.000 đồng/hồ sơ" in fee
    time = joined(say(imported_client, user, "thế mất bao lâu?"))
    assert NOTARY_EXAM in time and "15 ngày làm việc" in time


def test_unparsed_fee_is_said_to_be_unconfirmed(imported_client: TestClient) -> None:
    text = joined(
        say(imported_client, sender(), "lệ phí trở lại quốc tịch Việt Nam ở nước ngoài là bao nhiêu")
    )
    assert "Trở lại quốc tịch Việt Nam ở nước ngoài" in text
    assert "theo thông tin chưa được xác nhận chính thức: không tách được từ bản ghi" in text


def test_curated_answers_are_unchanged(imported_client: TestClient) -> None:
    text = joined(say(imported_client, sender(), "thu tuc cap giay phep lao dong can giay to gi"))
    assert "Cấp giấy phép lao động đối với người lao động nước ngoài" in text


def test_an_imported_field_can_be_listed(imported_client: TestClient) -> None:
    replies = say(imported_client, sender(), "lĩnh vực công chứng có những thủ tục nào")
    text = joined(replies)
    assert text.startswith("Dạ, lĩnh vực Công chứng có ")
    assert NOTARY_EXAM in text
    assert all(len(r["text"]) <= 1800 for r in replies)  # a long list is split for the channels


PASSPORT = "Thủ tục cấp hộ chiếu phổ thông ở trong nước thực hiện tại cấp tỉnh"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("làm hộ chiếu cần giấy tờ gì", "Tờ khai đề nghị cấp hộ chiếu"),
        ("lam ho chieu het bao nhieu tien", "200.000 đồng/hộ chiếu"),
    ],
)
def test_imported_procedure_found_by_what_people_call_it(
    imported_client: TestClient, question: str, expected: str
) -> None:
    """Asked in natural words, with or without diacritics, not by the official name."""
    text = joined(say(imported_client, sender(), question))
    assert text.startswith(f'Dạ, về thủ tục "{PASSPORT}"') and expected in text
    assert "dữ liệu nhập từ Cổng Dịch vụ công quốc gia ngày" in text and "kiểm tra ngày" not in text


def test_each_dossier_group_is_answered_with_its_condition(imported_client: TestClient) -> None:
    text = joined(
        say(imported_client, sender(), "hồ sơ đăng ký thay đổi nội dung đăng ký kinh doanh gồm những gì")
    )
    assert "Đối với doanh nghiệp tư nhân:\n1. Thông báo thay đổi" in text
    assert "Đối với công ty hợp danh:\n3. Thông báo thay đổi" in text
