"""Which questions about a procedure one reply answers, besides the likeliest one.

A policy of its own so the agent only asks it: the message's other questions ("hồ sơ gồm gì và lệ
phí bao nhiêu"), the runner-up when the classifier is torn between two, and the conditions beside a
yes/no question ("có được hỗ trợ tiền đi lại không": whether, then how much) — a help-line officer
answers "yes, if …" before the figure — and beside a question about the applicant's own deadline;
the amount beside a question about how long an entitlement lasts ("được nghỉ mấy ngày");
last, the steps or the place when the message's wording asks them outright ("làm sao", "với ai")
whatever the classifier made of the story around it.
"""

from __future__ import annotations

import re
from typing import Any

from actions.facts import is_yes_no_question
from nlu.tokenize import folded_syllables

__all__ = [
    "YES_NO_WITH_CONDITIONS",
    "asked_by_wording",
    "asks_a_deadline",
    "asks_a_limit",
    "asks_a_loss",
    "asks_a_rate",
    "asks_an_entitlement_length",
    "asks_what_about",
    "companion_aspects",
    "question_at_the_end",
    "wants_it_done",
]

ELIGIBILITY = "ask_eligibility"
STEPS = "ask_procedure_steps"
# A yes/no question classified as one of these also gets the conditions: "có được trợ cấp không"
# (amount), "quá hạn có nộp được không" (time), "có phải lên huyện không" (place), "có phải làm lại
# hồ sơ không" (steps). A yes/no question about papers or fees is answered by that section itself.
YES_NO_WITH_CONDITIONS = frozenset(
    {"ask_benefit", "ask_processing_time", "ask_where_to_submit", "ask_procedure_steps"}
)

# The applicant's own time limit, which the conditions state ("nộp chậm nhất 10 ngày trước"), not
# the agency's processing time: "phải nộp trước bao nhiêu ngày", "đăng ký trong vòng mấy ngày",
# "hạn chót", "quá hạn thì sao", and the waiting before one may claim ("phải chờ bao lâu mới rút
# được"). Folded, so it reads typed without diacritics alike.
_DEADLINE = re.compile(
    r"\b(truoc (bao nhieu|may) ngay|truoc bao lau|truoc khi( \w+){1,3} (bao nhieu|may) ngay|cham nhat|han chot|qua han|tre han|muon han"
    r"|(phai|can|duoc) (nop|dang ky|bao|bao cao|gui|lam|khai bao|thong bao|xin)( \w+){0,6} trong (vong )?"
    r"(bao lau|may ngay|bao nhieu ngay|may thang|bao nhieu thang)"
    # the waiting the rules set before one may claim: "phải chờ bao lâu mới rút được", "đợi mấy năm"
    r"|(cho|doi)( doi| them)? (bao lau|may thang|may nam|bao nhieu thang|bao nhieu nam)"
    r"|(bao lau|may thang|may nam|bao nhieu thang|bao nhieu nam) (thi )?moi (duoc|dc|rut|lanh|huong|lam|nop))\b"
)


# Question wording that asks one aspect whatever the story around it: "làm sao để đưa ông vào trung
# tâm" asks the steps, "khai báo tai nạn với ai" the place. The classifier reads the whole message;
# these are read as a second opinion, answered beside its choice. Folded.
_ASKS = {
    "ask_procedure_steps": re.compile(
        r"\b(lam sao|lam the nao|nhu the nao|ra sao|phai lam gi|can lam gi|bat dau tu dau|lam ntn|xin sao"
        r"|lam rang|man rang|the rang|xin rang"  # central: "làm răng", "mần răng"
        # who does the agency's part: "ai đánh giá mức độ", "ai là người theo dõi nó", "sau đó ai lo
        # kế hoạch" — not "ai được hưởng" (the conditions)
        r"|ai (la nguoi |se |thi )?(danh gia|theo doi|lo|phe duyet|duyet|xet duyet|quyet dinh|lap|kiem tra|giam dinh|thuc hien)"
        # doing it, asked by its verb: "sửa thế nào", "đổi lại ntn", "bổ sung làm sao"
        r"|(sua|doi|doi lai|lam lai|xin lai|cap lai|bo sung|chuyen) (the nao|ntn)"
        # whether one has to file at all: "có phải làm đơn không", "phải làm hồ sơ hông"
        r"|phai (lam|viet|nop) (don|ho so|thu tuc)( gi)? (khong|ko|k|hong|hok))\b"
    ),
    "ask_where_to_submit": re.compile(
        r"\b(o dau|cho nao|noi nao|voi ai|bao ai|cho ai|ai cap|ai giai quyet|goi so nao|co quan nao|len dau"
        r"|o mo|cho mo|noi mo|len mo|nop mo|goi mo|bao mo"  # central: "ở mô", "chỗ mô", "gọi mô"
        r"|(lien he|lien lac|hoi|tim|gap)( voi)? ai)\b"  # "thì liên hệ ai", "hỏi ai"
    ),
    # "xin học bổng thì làm hồ sơ gì", "giấy chi" (central): the papers, though "làm" sounds like how.
    # "hồ sơ thế nào" asks the papers too.
    "ask_documents": re.compile(
        r"\b((ho so|giay to|giay)( gom)?( nhung)? (gi|j|chi)\b(?! (dau|ca|het))|(?<!nhan lai )(?<!nop )(?<!gui )(?<!lay )(ho so|giay to) (the nao|ntn|ra sao)\b)"
    ),
    # "được bảo hiểm chi trả chế độ ốm đau thế nào": what is paid, though "thế nào" sounds like how.
    "ask_benefit": re.compile(r"\b(duoc|dc)( \w+){0,3} (tra|chi tra|huong|lanh)( \w+){0,6} (the nao|ra sao|nhu the nao)\b"),
}


# The question a message ends with, when the classifier read only a story or a procedure's name
# ("đang lãnh ở Đồng Nai mà giờ về Tây Ninh, chuyển nơi hưởng sao ạ", "lương tối thiểu vùng ở Thuận An
# là nhiu z"): how to do it, or how much. Read only where the reply would otherwise be the
# procedure's menu; a money question is the fee's, which ``actions.aspect_fit`` turns into the amount
# for a procedure that costs nothing and pays. Folded; the particles a chat line ends with are skipped.
_PARTICLES = r"( (a|ad|ak|ah|z|v|vay|day|ha|nhi|nhe|nha|the|ta|chi|anh|em|ban|b|ko|khong|k))*\W*$"
MONEY = "ask_fee"
_ENDS_ASKING = {
    "ask_procedure_steps": re.compile(r"(?<!\bco )(?<!\bbi )\bsao" + _PARTICLES),  # not "có sao không"
    MONEY: re.compile(r"\b(nhieu|nhiu|bnhiu|bn|may trieu)( tien)?" + _PARTICLES),  # "(bao) nhiêu (tiền)", "dc bn"
}


# How long an entitlement lasts, which the amount's section states ("nghỉ thai sản 6 tháng", "hưởng
# trợ cấp thất nghiệp 3 tháng"), not the agency's processing time: "chồng được nghỉ mấy ngày",
# "được hưởng bao lâu", "lãnh được mấy tháng" — not "nghỉ việc bao lâu thì mới nộp". Folded.
_ENTITLEMENT_LENGTH = re.compile(
    r"\b(nghi(?! (viec|lam|huu))|huong|lanh)( \w+){0,3} (bao lau|may ngay|may thang|may nam|bao nhieu ngay|bao nhieu thang)\b"
)
BENEFIT = "ask_benefit"

# An amount per unit of time, which only the amount's section states: "bao nhiêu 1 ngày", "mỗi tháng
# được bao nhiêu", "1 ngày mấy chục" — not "bao nhiêu ngày" (how long). Folded.
_RATE = re.compile(
    r"\b(bao nhieu|bnhiu|bn|nhieu|nhiu|may tram|may chuc|may trieu)( tien)? (1|mot|moi) (ngay|thang|nam|buoi|lan)\b"
    r"|\b(1|mot|moi) (ngay|thang|nam|buoi) (duoc |dc |lanh |nhan )?(bao nhieu|bnhiu|nhiu|may tram|may chuc|may trieu)\b"
)
# A yes/no question whether money is paid, which the conditions answer and the amount completes:
# "nhà nước có hỗ trợ tiền bốc mộ không", "có được cho tiền đi xe không". Folded.
_MONEY_WHETHER = re.compile(r"\b(ho tro|tro cap|cho|duoc|dc|nhan|lanh|boi thuong|den bu|chi tra)( \w+)? tien\b")


# A loss asked about, which the conditions state (when the payment stops, what is forfeited): "tháng
# đó có bị mất tiền luôn không", "có bị cắt trợ cấp không", "bị trừ tiền không" — not what it costs.
_LOSS = re.compile(r"\b(bi|co bi)( \w+){0,2} (mat|cat|tru|giam|thu hoi)( \w+){0,1} (tien|tro cap|luong|che do|suat)\b")


def asks_a_loss(text: str) -> bool:
    """ "tháng bị dừng có bị mất tiền luôn không": what the applicant loses, a condition."""
    return bool(_LOSS.search(folded_syllables(text)))


# A message that ends saying what the citizen wants done, or lacks, and asks nothing: "… bị dừng trợ
# cấp rồi, giờ muốn nhận tiếp", "e muốn hòa giải vs cty", "… mà tới giờ chưa được công nhận liệt
# sĩ" — a help-line officer tells how to get it done (the steps). Folded; its last clause only.
_WANTS_IT_DONE = re.compile(
    r"\b((muon|mun|can|dinh)( \w+){0,2} (nhan tiep|lanh tiep|huong tiep|hoa giai|dang ky|lam ho so|lam giay|xin|nop don|de nghi|duoc cong nhan)"
    r"|chua (duoc )?(cong nhan|cap|giai quyet|xac nhan|lam ho so))\b"
)
_CLAUSES = re.compile(r"[,.;!?\n]+")


def wants_it_done(text: str) -> bool:
    """ "… giờ muốn nhận tiếp": the message's last clause asks for the procedure, and nothing else is asked."""
    clauses = [c for c in _CLAUSES.split(text) if c.strip()]
    if not clauses or "?" in text or is_yes_no_question(text) or asked_by_wording(text) or _asked_by_ending(text):
        return False
    return bool(_WANTS_IT_DONE.search(folded_syllables(clauses[-1])))


def asked_by_wording(text: str) -> list[str]:
    """The aspect intents the message's question wording asks outright."""
    folded = folded_syllables(text)
    return [intent for intent, wording in _ASKS.items() if wording.search(folded)]


def question_at_the_end(text: str) -> str | None:
    """The aspect intent a message's question asks outright — its wording ("làm sao", "ở đâu") or how
    it ends ("… sao ạ", "… là nhiu z") — or None."""
    worded = asked_by_wording(text)
    if worded:
        return worded[0]
    if asks_a_rate(text):
        return MONEY
    return _asked_by_ending(text) or (STEPS if wants_it_done(text) else None)


# "còn gia hạn thì sao", "người nước ngoài thì thế nào": what about it — the question asked before, of
# another subject — not how to do it. Folded.
_WHAT_ABOUT = re.compile(r"\bthi (sao|the nao|ra sao)" + _PARTICLES)


def asks_what_about(text: str) -> bool:
    """Whether the message ends "… thì sao": the previous question, asked of a new subject."""
    return _WHAT_ABOUT.search(folded_syllables(text)) is not None


def _asked_by_ending(text: str) -> str | None:
    folded = folded_syllables(text)
    return next((intent for intent, ending in _ENDS_ASKING.items() if ending.search(folded)), None)


def asks_an_entitlement_length(text: str) -> bool:
    """ "vợ sinh thì chồng được nghỉ mấy ngày", "thất nghiệp được hưởng bao lâu": how long the
    entitlement lasts."""
    return bool(_ENTITLEMENT_LENGTH.search(folded_syllables(text)))


def asks_a_rate(text: str) -> bool:
    """ "bao nhiêu 1 ngày", "mỗi tháng được bao nhiêu": an amount per day, month or year."""
    return bool(_RATE.search(folded_syllables(text)))


# How many times the rules allow: "thẻ này được cấp lại mấy lần", "tối đa bao nhiêu lần", "mấy lần thì
# bị cắt" — a limit the conditions state, whatever the count sounds like. Folded.
_LIMIT = re.compile(r"\b((duoc|dc|toi da|nhieu nhat)( \w+){0,3} (may|bao nhieu|bn) lan|(may|bao nhieu|bn) lan (thi|la|duoc|dc))\b")


def asks_a_limit(text: str) -> bool:
    """ "được cấp lại mấy lần": how often the rules allow something."""
    return bool(_LIMIT.search(folded_syllables(text)))


def asks_a_deadline(text: str) -> bool:
    """ "phải nộp gia hạn trước bao nhiêu ngày", "quá hạn có sao không": a question about the
    applicant's own time limit."""
    return bool(_DEADLINE.search(folded_syllables(text)))


def companion_aspects(
    intent: str,
    confidence: float,
    ranking: list[dict[str, Any]],
    additional: list[str],
    text: str,
    *,
    sure: float,
    second: float,
) -> list[str]:
    """The aspect intents to answer after ``intent`` (itself an aspect), in order, without repeats."""
    chosen: list[str] = list(additional)
    if confidence < sure and len(ranking) >= 2:
        # Calibrated probabilities: a 0.6 / 0.3 split means the runner-up is often the one asked.
        runner_up = ranking[1]
        if float(runner_up["confidence"]) >= second:
            chosen.append(str(runner_up["name"]))
    if (
        (intent in YES_NO_WITH_CONDITIONS and is_yes_no_question(text))
        or asks_a_deadline(text)
        or asks_a_limit(text)
        or asks_a_loss(text)
    ):
        chosen.append(ELIGIBILITY)
    if intent == "ask_processing_time" and (asks_an_entitlement_length(text) or asks_a_rate(text)):
        chosen.append(BENEFIT)
    if intent == ELIGIBILITY and is_yes_no_question(text) and _MONEY_WHETHER.search(folded_syllables(text)):
        chosen.append(BENEFIT)
    chosen.extend(asked_by_wording(text))
    if wants_it_done(text):
        chosen.append(STEPS)
    if intent != BENEFIT and _asked_by_ending(text) == MONEY:
        # "có giấy rồi thì cháu được trợ cấp hằng tháng bao nhiêu": read as whether, it ends asking
        # how much (the fee's question, which ``actions.aspect_fit`` turns into the amount paid).
        chosen.append(MONEY)
    return [a for a in dict.fromkeys(chosen) if a != intent]
