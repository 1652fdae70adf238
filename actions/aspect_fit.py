"""The aspect a question gets for this procedure, when the one the classifier chose would tell the
citizen nothing they asked.

Money is the trap: "bao nhiêu tiền", "nhà nước có hỗ trợ chi phí không", "xin mai táng phí" read as a
question about fees, but for a procedure that costs nothing and pays an allowance they ask how much
is paid — the fee section would answer "Không mất phí". A question that names the fee itself ("lệ
phí", "có mất tiền không", "phí thẩm định") or a contribution ("đóng ít nhất bao nhiêu") keeps the
fee section, and a button the citizen pressed is answered as pressed. A fee word that the
procedure's own name holds is its subject: "có được miễn học phí không" of the tuition exemption asks
whether (the conditions), not what the procedure costs.

Tried and not kept: the conditions instead of the amount for a procedure that pays nothing ("gia
hạn được mấy lần" on a work permit): "vay tối đa bao nhiêu", "mấy tháng chưa lãnh có bị mất không"
ask the amount all the same, and "the catalogue records no amount, the result is …" answers them.
"""

from __future__ import annotations

import re

from actions.facts import is_yes_no_question
from knowledge.schemas import ProcedureRecord
from nlu.normalize import fold
from nlu.tokenize import folded_syllables

__all__ = ["fitted_aspect"]

FEE, BENEFIT, ELIGIBILITY = "ask_fee", "ask_benefit", "ask_eligibility"

# Wording that asks what the applicant pays (folded): the fee section answers it whatever the
# procedure. "chi phí" and "mai táng phí" are what an allowance covers, not a fee.
_FEE_WORDING = re.compile(
    r"\b(le phi|mat phi|ton phi|thu phi|tien phi|phi gi|co phi|mien phi|(?<!chi )(?<!tang )phi (nop|ho so|tham dinh|cap|dich vu|bao nhieu)"
    # "có mất tiền không" costs; "có bị mất tiền không" forfeits (the conditions say when)
    r"|(?<!bi )(mat|ton|dong|nop|tra|thu|ton kem) (tien|dong|bao nhieu)|cuoc|buu chinh"
    # a contribution ("đóng bhxh tự nguyện mức thấp nhất bao nhiêu", "đóng ít nhất nhiêu"): paid too
    r"|muc dong|dong( \w+){0,5} (bao nhieu|nhieu|nhiu|it nhat|toi thieu|thap nhat)"
    # "mỗi tháng phải đóng bnhiu" — not "đóng được 6 năm thì được bn" (what is paid back)
    r"|dong( (?!thi\b|dc\b|duoc\b)\w+){0,3} (bnhiu|bn))\b"
)
# A fee field that says the procedure costs nothing (folded, from its start).
_FREE = re.compile(r"^(khong (mat phi|quy dinh le phi|thu phi)|mien phi)")


def fitted_aspect(aspect: str, record: ProcedureRecord, text: str) -> str:
    """``aspect``, or the one this procedure's entry answers the question with."""
    if text.startswith("/"):
        return aspect
    if aspect != FEE:
        return aspect
    folded = folded_syllables(text)
    subject = _its_fee_words(record, folded)
    for words in subject:  # "miễn học phí": the procedure's subject, read without its "phí"
        folded = folded.replace(words, words.split()[0])
    if _FEE_WORDING.search(folded):
        return aspect
    if subject:
        # "có được miễn học phí không" of the tuition exemption: whether, not what the procedure costs
        return ELIGIBILITY if is_yes_no_question(text) or not _pays(record) else BENEFIT
    return BENEFIT if _pays(record) and _free(record) else aspect


def _pays(record: ProcedureRecord) -> bool:
    """The entry names an amount paid out, or says it could not confirm one."""
    return bool(record.benefit) or "benefit" in record.unconfirmed


def _free(record: ProcedureRecord) -> bool:
    """No fee to tell: every channel costs nothing, or the entry has no channel at all (an
    information entry such as the regional minimum wage, whose fee section would say nothing)."""
    return all(_FREE.match(fold(channel.fee).lower().strip()) for channel in record.channels)


# A fee word ("học phí", "viện phí") that the procedure's own name or aliases hold: its subject.
_FEE_WORD = re.compile(r"\b\w+ phi\b")


def _its_fee_words(record: ProcedureRecord, folded: str) -> list[str]:
    words = _FEE_WORD.findall(folded)
    if not words:
        return []
    names = " ".join(fold(name).lower() for name in (record.name, *record.aliases))
    return [word for word in words if word in names]
