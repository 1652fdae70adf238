"""Every rule of ``telephony.speech_text`` as input → what the voice must say, and a real render."""

from __future__ import annotations

import shutil
import subprocess
import wave
from pathlib import Path

import pytest

from telephony.speech_text import read_code, read_phone, to_speech


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("1.080.000 đồng", "một triệu không trăm tám mươi nghìn đồng"),
        ("Lệ phí 50.000đ", "Lệ phí năm mươi nghìn đồng"),
        ("mức hưởng 2.340.000 VNĐ", "mức hưởng hai triệu ba trăm bốn mươi nghìn đồng"),
        ("khoảng 2,5 triệu đồng", "khoảng hai phẩy năm triệu đồng"),
        ("1.500.000,5 đồng", "một triệu năm trăm nghìn phẩy năm đồng"),
    ],
)
def test_money(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("12/03/2024", "ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư"),
        ("ngày 05/04/2025", "ngày mùng năm tháng tư năm hai nghìn không trăm hai mươi lăm"),
        ("hạn 31-12-2025", "hạn ngày ba mươi mốt tháng mười hai năm hai nghìn không trăm hai mươi lăm"),
        ("từ tháng 3/2024", "từ tháng ba năm hai nghìn không trăm hai mươi tư"),
        ("làm việc 7h30 đến 17h00", "làm việc bảy giờ ba mươi đến mười bảy giờ"),
        ("lúc 08:15", "lúc tám giờ mười lăm"),
    ],
)
def test_dates_and_times(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


def test_dossier_code_is_read_piece_by_piece() -> None:
    assert to_speech("Hồ sơ 000.00.15.H29-240312-0042 đã có kết quả") == (
        "Hồ sơ không không không, chấm, không không, chấm, một năm, chấm, hát hai chín, gạch, "
        "hai bốn không ba một hai, gạch, không không bốn hai đã có kết quả"
    )


def test_code_letters_have_their_vietnamese_names() -> None:
    assert read_code("G01-BQ") == "giê không một, gạch, bê quy"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("12,5%", "mười hai phẩy năm phần trăm"),
        ("hưởng 75% mức lương", "hưởng bảy mươi lăm phần trăm mức lương"),
        ("tăng 100 %", "tăng một trăm phần trăm"),
    ],
)
def test_percentages(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("0912 345 678", "không chín một hai, ba bốn năm, sáu bảy tám"),
        ("0912345678", "không chín một hai, ba bốn năm, sáu bảy tám"),
        ("0912.345.678", "không chín một hai, ba bốn năm, sáu bảy tám"),
        ("gọi 18001096", "gọi một tám không không, một không chín sáu"),
        ("+84 912 345 678", "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám"),
    ],
)
def test_phone_numbers_digit_by_digit(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


def test_read_phone_groups_an_unseparated_mobile_number_four_three_three() -> None:
    assert read_phone("0987654321") == "không chín tám bảy, sáu năm bốn, ba hai một"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Sở LĐ-TB&XH", "Sở Lao động - Thương binh và Xã hội"),
        ("Bộ LĐTBXH", "Bộ Lao động - Thương binh và Xã hội"),
        ("sổ BHXH", "sổ bảo hiểm xã hội"),
        ("bản sao CCCD", "bản sao căn cước công dân"),
        ("UBND cấp xã", "Ủy ban nhân dân cấp xã"),
        ("cấp GPLĐ", "cấp giấy phép lao động"),
        ("gplđ", "giấy phép lao động"),
        ("hưởng TCTN", "hưởng trợ cấp thất nghiệp"),
        ("TP. Hà Nội", "thành phố Hà Nội"),
    ],
)
def test_abbreviations(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        (
            "Nghị định 145/2020/NĐ-CP",
            "Nghị định số một trăm bốn mươi lăm năm hai nghìn không trăm hai mươi của Chính phủ",
        ),
        ("Quyết định 886/QĐ-BNV", "Quyết định số tám trăm tám mươi sáu của Bộ Nội vụ"),
        ("Luật 45/2019/QH14", "Luật số bốn mươi lăm năm hai nghìn không trăm mười chín của Quốc hội"),
        (
            "Thông tư 15/2023/TT-BLĐTBXH",
            "Thông tư số mười lăm năm hai nghìn không trăm hai mươi ba của Bộ Lao động - Thương binh và Xã hội",
        ),
    ],
)
def test_legal_document_numbers(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("Điều 5, khoản 2", "Điều năm, khoản hai"),
        ("trong 105 ngày", "trong một trăm linh năm ngày"),
        ("số 0042", "số không không bốn hai"),
        ("01 bản chính, nộp trong 03 tháng", "một bản chính, nộp trong ba tháng"),
        ("1.500 hồ sơ", "một nghìn năm trăm hồ sơ"),
    ],
)
def test_plain_numbers(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


def test_what_cannot_be_heard_is_dropped() -> None:
    chat = "📄 **Lệ phí:** 50.000đ\n👉 Xem tại https://dichvucong.gov.vn/p/home nhé"
    assert to_speech(chat) == "Lệ phí: năm mươi nghìn đồng. Xem tại nhé"


@pytest.mark.parametrize(
    ("text", "spoken"),
    [
        ("anh/chị vui lòng chờ", "anh chị vui lòng chờ"),
        ("HĐND tỉnh/thành phố", "Hội đồng nhân dân tỉnh hoặc thành phố"),
        ('thủ tục "Cấp GPLĐ"', "thủ tục Cấp giấy phép lao động"),
        (
            "Bộ luật Lao động (Điều 151 đến Điều 157).",
            "Bộ luật Lao động, Điều một trăm năm mươi mốt đến Điều một trăm năm mươi bảy.",
        ),
    ],
)
def test_slashes_quotes_and_asides(text: str, spoken: str) -> None:
    assert to_speech(text) == spoken


def test_lines_and_numbered_lists_become_pauses() -> None:
    chat = "Hồ sơ gồm:\n1. Đơn đề nghị (01 bản chính)\n2. Bản sao CCCD\nThời hạn: 20 ngày"
    assert to_speech(chat) == (
        "Hồ sơ gồm: một, Đơn đề nghị, một bản chính. hai, Bản sao căn cước công dân. Thời hạn: hai mươi ngày"
    )


def test_a_whole_answer() -> None:
    text = "Lệ phí 1.080.000 đồng, nộp tại Sở LĐ-TB&XH trước 12/03/2024."
    assert to_speech(text) == (
        "Lệ phí một triệu không trăm tám mươi nghìn đồng, nộp tại Sở Lao động - Thương binh và Xã hội "
        "trước ngày mười hai tháng ba năm hai nghìn không trăm hai mươi tư."
    )


def _espeak() -> str | None:
    return shutil.which("espeak-ng")


@pytest.mark.skipif(
    _espeak() is None, reason="espeak-ng is not installed (apt-get install espeak-ng; .ci/run does)"
)
def test_espeak_ng_vietnamese_voice_speaks_it(tmp_path: Path) -> None:
    """The text a caller hears, rendered by Debian's espeak-ng Vietnamese voice into a WAV file: it
    must hold audio about as long as the words take to say (a few words a second)."""
    sentence = to_speech(
        "Hồ sơ 000.00.15.H29-240312-0042 đã có kết quả, lệ phí 1.080.000 đồng tại Sở LĐ-TB&XH."
    )
    words = len(sentence.split())
    out = tmp_path / "spoken.wav"
    subprocess.run([_espeak() or "espeak-ng", "-v", "vi", "-w", str(out), sentence], check=True, timeout=60)
    with wave.open(str(out)) as audio:
        frames, rate = audio.getnframes(), audio.getframerate()
        samples = audio.readframes(frames)
    seconds = frames / rate
    assert words / 6 <= seconds <= words * 1.2, (words, seconds)
    assert len(set(samples)) > 50  # not a file of silence
