"""Filling slots from a parsed message, and deciding which procedure the user means.

The procedure follows the conversation: a procedure named in the message replaces the one in
context; a partial mention is read together with the context ("còn gia hạn thì sao" after work
permits → the extension procedure); an unrecognised subject ("đăng ký kết hôn") is reported as
``unknown`` so the bot never answers it with the procedure still in context.
"""

from __future__ import annotations

import re
from typing import Any

from bot.context_search import could_switch
from bot.domain import Domain
from bot.earlier_topics import earlier_procedures, just_declined, pick_earlier, returns_to_earlier
from bot.events import Event, slot_set
from bot.tracker import DialogueStateTracker
from nlu.components.procedure_classifier import NONE, OTHER
from nlu.components.procedure_resolver import OFFER_EXPLAINED
from nlu.interpreter import Interpreter
from nlu.normalize import fold
from nlu.tokenize import folded_syllables, syllables

__all__ = ["ASPECT_INTENTS", "NOT_IN_CATALOGUE", "clean_mention", "extract_slots", "resolve_procedure"]

ASPECT_INTENTS = frozenset(
    {
        "ask_documents", "ask_fee", "ask_benefit", "ask_processing_time", "ask_where_to_submit",
        "ask_eligibility", "ask_procedure_steps", "ask_forms", "ask_legal_basis",
    }
)
MIN_UNKNOWN_TOPIC_SYLLABLES = 2
SIBLING_READING = 0.5  # a tie of another field yields to a sibling the follow-up, read in context, is at least this likely about
CHIT_CHAT_CONFIDENCE = 0.7  # an out-of-scope reading this sure drops the procedure in context
NOT_IN_CATALOGUE = "not_in_catalogue"
# A retrieval score this high is a whole name or alias of the procedure in the message (scores are the
# share of a name's weight the message holds).
WHOLE_NAME = 0.999
_PLEASANTRIES = frozenset({"greet", "goodbye", "thank", "affirm", "deny"})
# Messages about the conversation itself: a procedure named in them is not a question about it.
_NOT_ABOUT_PROCEDURES = _PLEASANTRIES | {"request_human"}


def resolve_procedure(
    parse: dict[str, Any], tracker: DialogueStateTracker, interpreter: Interpreter
) -> dict[str, Any]:
    """``{"status": resolved|switched|context|ambiguous|not_in_catalogue|none, "code"?, "candidates"?,
    "mention"?, "context"?}``.

    A real procedure the catalogue does not hold ("đăng ký khai sinh thì sao" after work permits) is a
    new topic: it replaces the one in context and is declined. Words the bot does not recognise in a
    follow-up ("nộp ở đâu, em ở trọ Bình Dương") keep the procedure in context."""
    intent = (parse.get("intent") or {}).get("name")
    current = tracker.get_slot("procedure")
    mentioned = [e for e in parse.get("entities") or [] if e.get("entity") == "procedure"]
    ranking = parse.get("procedure_ranking") or []
    text = str(parse.get("text") or "")
    offered = [str(c) for c in tracker.get_slot("offered_procedures") or []]
    if offered and text and not text.startswith("/"):
        chosen = choose_offered(text, offered, interpreter)
        if chosen:
            return {"status": "resolved", "code": chosen, "chosen": True}
    guessed = mentioned and mentioned[0].get("extractor") == "ProcedureClassifier"
    earlier = earlier_procedures(tracker) if text and returns_to_earlier(text) else []
    named_elsewhere = (
        mentioned and not guessed and not parse.get("procedure_ambiguous")
        and str(mentioned[0]["value"]) not in earlier
    )
    if earlier and not named_elsewhere:
        # "quay lại vụ tiền mai táng, hồ sơ cần gì": one of this conversation's earlier procedures.
        picked = pick_earlier(text, earlier, interpreter)
        if len(picked) == 1:
            return {"status": "switched" if current and current != picked[0] else "resolved", "code": picked[0]}
        names = interpreter.resolver.index.names if interpreter.resolver else {}
        return {"status": "ambiguous", "candidates": [{"code": c, "name": names.get(c, c)} for c in picked]}
    if guessed and current and float(mentioned[0].get("confidence") or 0.0) < (
        interpreter.sibling_switch_probability()
        if _a_sibling_retrieval_does_not_rank_below(current, str(mentioned[0]["value"]), ranking, interpreter)
        else interpreter.switch_probability()
    ):
        # A whole-message guess does not move a follow-up ("nộp về Bộ hay về Sở") off its procedure.
        mentioned = []
    if guessed and current and mentioned and _guess_is_the_context_s(current, str(mentioned[0]["value"]), text, ranking, interpreter):
        # "nó mới 17 tuổi thì có đăng ký tự nguyện được không" after drug rehab: read alone, "tự nguyện" is
        # voluntary insurance; rehab accounts for the same words, and read after its name it is about it.
        mentioned = []
    if mentioned:
        code = str(mentioned[0]["value"])
        if parse.get("procedure_ambiguous"):
            top = ranking[0]["score"] if ranking else 0.0
            close = [c for c in ranking if top - c["score"] < _margin(interpreter)]
            if current in {c["code"] for c in close}:
                return {"status": "context", "code": current}
            of_the_field = [c for c in close if current and _same_field(str(c["code"]), current, interpreter)]
            if len(of_the_field) == 1:
                # "hồ sơ của bố ghi sai năm sinh, sửa được không" after moving a war invalid's file: the
                # insurance book's correction and the merit record's fit alike; the one of the field in
                # context is meant.
                return {"status": "switched", "code": str(of_the_field[0]["code"])}
            sibling = _sibling_read_in_context(text, current, interpreter) if current and not of_the_field else None
            if sibling is not None:
                # "nếu được công nhận thì bà nội có trợ cấp hằng tháng không" after a martyr's
                # recognition: retrieval ties two social allowances of another field; read after the
                # recognition's name, it is the martyr's family allowance.
                return {"status": "switched", "code": sibling}
            return {"status": "ambiguous", "candidates": close[:3]}
        if current and current != code and _a_paper_of(
            current, code, text, _mention_of(mentioned[0], text), intent, interpreter
        ):
            # "cần giấy chứng tử hay giấy báo tử của thôn" after a funeral allowance: a paper of the
            # procedure in context, though a sibling's keywords hold it too.
            return {"status": "context", "code": current}
        tied = parse.get("procedure_tie_settled") or []
        if current and current != code and not guessed and _names_none_in_particular(ranking):
            # "đưa cho kế toán hay tự mang lên bhxh" after sickness pay: "bhxh" fits every insurance
            # procedure alike; a word of the field's is no switch.
            return {"status": "context", "code": current}
        if current and current != code and not guessed and _stays_in_context(current, code, text, ranking, tied, interpreter):
            # "cai ở nhà được không hay bắt buộc phải vào trung tâm" after voluntary drug rehab: "vào
            # trung tâm" names admission to a care centre, but rehab accounts for the words as well.
            return {"status": "context", "code": current}
        return {"status": "switched" if current and current != code else "resolved", "code": code}
    if current and text and not text.startswith("/"):
        # "còn gia hạn thì sao" after work permits: a sibling of the procedure in context comes
        # before any procedure we do not hold that shares a word ("gia hạn giấy phép ngoại hối").
        # Skipped when the message's own words cannot gain enough for a switch (bot.context_search).
        in_context = (
            interpreter.resolve_in_context(text, current) if could_switch(text, interpreter.resolver) else []
        )
        if in_context and (parse.get("procedure_not_held") is None or _same_field(in_context[0].code, current, interpreter)):
            # Read alone, "vay ngân hàng chính sách làm nhà vệ sinh được không" (after housing support)
            # is a loan we do not hold; the context's words lift the job-creation loan of another
            # field just past it, which is no sibling.
            return {"status": "switched", "code": in_context[0].code}
        if parse.get("procedure_not_held") is None and parse.get("procedure_not_held_in_context") is None:
            sibling = _sibling_in_context(text, current, ranking, interpreter)
            if sibling:
                return {"status": "switched", "code": sibling}
    not_held = parse.get("procedure_not_held")
    if not_held is None and (current or just_declined(tracker)):
        # A follow-up is short, so its name scores lower: "thế còn khai tử thì sao", "làm visa thì sao"
        # after a decline (nlu: ProcedureResolver.followup_not_held).
        not_held = parse.get("procedure_not_held_in_context")
    ours = _ours_of_the_field_named(current, not_held, ranking, interpreter) if not_held and current else None
    if ours is not None:
        # "ngoài ra em có được miễn học phí không" after the vocational boarding policy: read alone,
        # general schools' fee exemption (another ministry's) matches the words as well as ours; the
        # conversation's field tells which one.
        return {"status": "context" if ours == current else "switched", "code": ours}
    named_by_topic = False
    if not_held is None and current and parse.get("procedure_not_held_topic") and asks_where_to_obtain(text):
        # "còn visa cho họ thì làm ở đâu" after work permits: the subject asked is one we do not hold,
        # though a single word of its name.
        not_held, named_by_topic = parse["procedure_not_held_topic"], True
    # A referral ("trẻ em bị bạo hành, báo ở đâu") is answered whatever the wording looked like.
    urgent = bool(not_held and not_held.get("note")) and intent not in _PLEASANTRIES
    resolver = interpreter.resolver
    asks_papers = intent in ("ask_documents", "ask_forms")
    raw_mention = str(not_held.get("mention") or "") if not_held else ""
    obtains = named_by_topic or (bool(not_held) and asks_where_to_obtain(text))
    if not_held and current and asks_papers and not urgent and not obtains and resolver and (
        resolver.talks_about(current, raw_mention) or not _names_an_act(raw_mention)
    ):
        # "hồ sơ cần gì, phiếu lý lịch tư pháp có bắt buộc không", "có cần cccd gắn chip không": a
        # paper of the procedure in context. "còn làm hộ chiếu cần gì" is about doing another one.
        return {"status": "context", "code": current}
    # Sad or angry wording ("bố em mất, khai tử làm sao") often reads as a complaint; a named
    # procedure we do not hold still gets the honest decline.
    mention = clean_mention(not_held.get("mention")) if not_held else None
    if not_held and current and mention is None and not urgent and not (
        obtains and (named_by_topic or len(syllables(raw_mention)) >= 2)
    ):
        # Too little of a name to leave the procedure in context for ("lên bhxh huyện nộp à").
        return {"status": "context", "code": current}
    # "làm hộ chiếu ở đâu luôn ạ, em chưa có" asks where, though "chưa có" reads as a plain no.
    if not_held and (intent not in _NOT_ABOUT_PROCEDURES or urgent or obtains):
        return {
            "status": NOT_IN_CATALOGUE,
            "mention": None if resolver and mention and resolver.names_one_of_ours(mention)
            else _quotable(mention, str(not_held.get("name") or "")),
            "context": current, "note": not_held.get("note"),
        }
    previous = tracker.get_slot("previous_procedure")
    if not current and previous and any(
        c.get("code") == previous and c.get("score", 0.0) >= _offer_score(interpreter) for c in ranking[:3]
    ):
        # Back from a declined digression: "quay lại vụ trợ cấp, mỗi tháng được bao nhiêu".
        return {"status": "resolved", "code": previous}
    # Offered only when they account for most of what the user wrote: "liệt sĩ cần giấy tờ gì" yes,
    # "kinh phí công đoàn đóng ở đâu" (one shared word) no.
    near = [
        c for c in ranking[:3]
        if c.get("score", 0.0) >= _offer_score(interpreter) and c.get("explained", 0.0) >= OFFER_EXPLAINED
    ]
    if not current and near and (intent in ASPECT_INTENTS or intent == "inform"):
        # "liệt sĩ cần giấy tờ gì": not sure enough to answer, close enough to offer as buttons.
        return {"status": "ambiguous", "candidates": near}
    declined = just_declined(tracker) if not current and intent in ASPECT_INTENTS else None
    if declined:
        # "làm hộ chiếu ở đâu" was declined; "phí bao nhiêu" right after is about the passport still.
        return {"status": NOT_IN_CATALOGUE, "mention": declined.get("mention"), "context": None, "note": declined.get("note")}
    topic = parse.get("topic_words") or []
    if not current and (intent in ASPECT_INTENTS or intent == "inform") and len(topic) >= MIN_UNKNOWN_TOPIC_SYLLABLES:
        # A subject the bot cannot place, with nothing in context: declined without quoting
        # fragments of it back.
        return {"status": NOT_IN_CATALOGUE, "mention": None, "context": None}
    return {"status": "context", "code": current} if current else {"status": "none"}


def _sibling_in_context(text: str, current: str, ranking: list[dict[str, Any]], interpreter: Interpreter) -> str | None:
    """The sibling a follow-up moves to when its own words name none whole: the classifier reads
    the follow-up after the name of the procedure in context, and switches as it does in a first
    message (``ProcedureClassifier._maybe_switch``) — to a procedure retrieval ranked too, at least
    ``switch_probability`` likely and likelier than the one in context. After the pension, "chú tôi
    lĩnh lương hưu, vừa qua đời, gia đình có được trợ cấp gì không" → the survivors' benefit."""
    readings = interpreter.readings_in_context(text, current)
    if not readings:
        return None
    best = max(readings, key=lambda label: readings[label])
    ranked_too = {c.get("code") for c in ranking if float(c.get("score") or 0.0) >= _offer_score(interpreter)}
    if best in (current, NONE, OTHER) or best not in ranked_too or readings[best] < interpreter.sibling_switch_probability():
        return None
    return best if readings[best] > readings.get(current, 0.0) else None


INDISTINCT_MARGIN = 0.1  # candidates this close in fit and in what they explain are told apart by nothing
INDISTINCT_COUNT = 3


def _names_none_in_particular(ranking: list[dict[str, Any]]) -> bool:
    """Whether retrieval's best is one of several procedures the message fits alike, by the same words."""
    if not ranking:
        return False
    top = ranking[0]
    score, explained = float(top.get("score") or 0.0), float(top.get("explained") or 0.0)
    alike = [
        c for c in ranking
        if score - float(c.get("score") or 0.0) <= INDISTINCT_MARGIN
        and abs(float(c.get("explained") or 0.0) - explained) < 1e-6
    ]
    return len(alike) >= INDISTINCT_COUNT


def _ours_of_the_field_named(
    current: str, not_held: dict[str, Any], ranking: list[dict[str, Any]], interpreter: Interpreter
) -> str | None:
    """One of ours among the likeliest three, of the field in context (or the one in context), whose
    name or an alias holds the words a procedure we do not hold matched, and that accounts for as
    much of the message ("thẻ bhyt" of the poor's health-insurance card is more than "hộ nghèo")."""
    resolver = interpreter.resolver
    mention = str(not_held.get("mention") or "")
    if resolver is None or not mention:
        return None
    for candidate in ranking[:3]:
        code = str(candidate.get("code"))
        if (
            float(candidate.get("score") or 0.0) >= _offer_score(interpreter)
            and float(candidate.get("explained") or 0.0) >= float(not_held.get("explained") or 0.0)
            and (code == current or _same_field(code, current, interpreter))
            and resolver.names_word_for_word(code, mention)
        ):
            return code
    return None


def _a_sibling_retrieval_does_not_rank_below(
    current: str, guessed: str, ranking: list[dict[str, Any]], interpreter: Interpreter
) -> bool:
    """Whether the classifier's guess is a sibling of the procedure in context (same field) that
    retrieval does not rank below it: "đang hưởng mà tháng nào cũng phải lên trình diện à" after the
    unemployment benefit is its monthly report; "nộp ở trung tâm dịch vụ việc làm hay online" names
    the benefit's own office, which retrieval ranks the benefit first for. Not a procedure the one
    in context links to: the link answers about it, the one in context staying (bot.related_procedures)."""
    resolver = interpreter.resolver
    if resolver is None or not _same_field(guessed, current, interpreter) or guessed in resolver.related.get(current, ()):
        return False
    scores = {str(c.get("code")): float(c.get("score") or 0.0) for c in ranking}
    return current not in scores or scores[current] <= scores.get(guessed, 0.0)


def _sibling_read_in_context(text: str, current: str, interpreter: Interpreter) -> str | None:
    """The sibling of the procedure in context (same field) that the message read after its name is
    most likely about, at least as likely as not."""
    readings = interpreter.readings_in_context(text, current)
    best = max(readings, key=lambda code: readings[code], default=None)
    if best is None or best == current or readings[best] < SIBLING_READING or not _same_field(best, current, interpreter):
        return None
    return best


def _same_field(code: str, other: str, interpreter: Interpreter) -> bool:
    fields = interpreter.resolver.index.fields if interpreter.resolver else {}
    return fields.get(code) is not None and fields.get(code) == fields.get(other)


def _stays_in_context(
    current: str, named: str, text: str, ranking: list[dict[str, Any]], tied: list[str], interpreter: Interpreter
) -> bool:
    """Whether a follow-up that retrieval reads as ``named`` stays with the procedure in context:
    the one in context accounts for at least as much of the follow-up's words, and the follow-up
    read after its name is more about it than about ``named``. A follow-up that holds a whole name or
    alias of another procedure ("còn trợ cấp thất nghiệp thì sao" after work permits) moves to it,
    unless that name is shared: ``tied`` holds the procedures retrieval tied and the classifier
    settled reading the message alone ("tiền mai táng bao nhiêu" names several funeral supports)."""
    there = next((c for c in ranking if c.get("code") == named), None)
    if there is None:
        return False
    if float(there.get("score") or 0.0) >= WHOLE_NAME and named not in tied:
        return False  # "lãnh thất nghiệp được không", "giấy xác nhận khuyết tật làm ở đâu": named outright
    return _context_reads_as_well(current, named, text, ranking, interpreter)


def _guess_is_the_context_s(
    current: str, guessed: str, text: str, ranking: list[dict[str, Any]], interpreter: Interpreter
) -> bool:
    """Whether the classifier's guess from a follow-up's words alone gives way to the procedure in
    context: retrieval found the one in context too, for at least as many of the words, and the
    follow-up read after its name is about it. Never between siblings of one field: the follow-up
    read after its sibling's name leans to it ("hòa giải không thành thì lên trọng tài được không")."""
    return not _same_field(current, guessed, interpreter) and _context_reads_as_well(
        current, guessed, text, ranking, interpreter
    )


def _context_reads_as_well(
    current: str, other: str, text: str, ranking: list[dict[str, Any]], interpreter: Interpreter
) -> bool:
    """Retrieval ranked the procedure in context, for at least as many of the follow-up's words as
    ``other`` (when it ranked that one), and the follow-up read after its name is more about it."""
    by_code = {str(c.get("code")): c for c in ranking}
    here, there = by_code.get(current), by_code.get(other)
    if here is None:
        return False
    if there is not None and float(here.get("explained") or 0.0) < float(there.get("explained") or 0.0):
        return False
    readings = interpreter.readings_in_context(text, current)
    return readings.get(current, 0.0) > readings.get(other, 0.0)


def _mention_of(entity: dict[str, Any], text: str) -> str:
    start, end = int(entity.get("start") or 0), int(entity.get("end") or 0)
    return text[start:end] if 0 <= start < end <= len(text) else ""


def _a_paper_of(current: str, named: str, text: str, mention: str, intent: str | None, interpreter: Interpreter) -> bool:
    """Whether a question about papers names one that the procedure in context asks for itself,
    not the procedure ``named`` by it: "giấy chứng tử" is a paper of every death allowance (and a
    keyword of one of them), but "bản sao từ sổ gốc" is the name of the diploma copy and "cấp lại
    giấy phép lao động" names an act."""
    resolver = interpreter.resolver
    if resolver is None or intent not in ("ask_documents", "ask_forms") or not mention or _names_an_act(mention):
        return False
    name = set(syllables(fold(resolver.index.names.get(named, ""))))
    return (
        resolver.holds_paper(current, mention)
        and not resolver.holds_paper_in(name, mention)
        # "mất bằng trung cấp nghề rồi, xin bản sao được không": the whole message is about the copy.
        and interpreter.reads_as(text, named) < interpreter.switch_probability()
    )


_ORDINALS = (
    ("1", "thu nhat", "dau tien", "cai dau", "so 1", "cai 1", "thu 1"),
    ("2", "thu hai", "thu 2", "so 2", "cai 2", "cai sau"),
    ("3", "thu ba", "thu 3", "so 3", "cai 3"),
)


def choose_offered(text: str, offered: list[str], interpreter: Interpreter) -> str | None:
    """The offered procedure a typed answer picks: by position ("cái thứ hai", "số 2") or by its
    own words ("cái gia hạn ấy") — only among the offered ones, so a short answer is enough."""
    words = f" {folded_syllables(text)} "
    for position, names in enumerate(_ORDINALS[: len(offered)]):
        if any(f" {name} " in words for name in names) and len(words.split()) <= 6:
            return offered[position]
    if words.strip() in ("cai cuoi", "cuoi", "cai cuoi cung"):
        return offered[-1]
    resolver = interpreter.resolver
    if resolver is None:
        return None
    scored = [c for c in resolver.ranked(text, limit=12) if c.code in offered]
    if scored and (len(scored) == 1 or scored[0].explained > scored[1].explained or scored[0].score > scored[1].score + 0.1):
        return scored[0].code if scored[0].score >= 0.2 else None
    return None


# Question and function words that never start or end a procedure's name ("còn làm hộ chiếu thì").
# Typed with diacritics they must match exactly ("căn cước" keeps "căn", unlike "cần"); typed
# without, only words that cannot be part of a name are dropped ("dang ky" may be "đăng ký").
_LEADING = frozenset((
    "còn", "làm", "cho", "hỏi", "xin", "em", "anh", "chị", "tôi", "mình", "muốn", "cần", "là", "về", "thì",
    "để", "ở", "a", "ạ", "ơi", "ad", "mà", "vậy", "thế", "với",
))
_TRAILING = frozenset((
    "thì", "sao", "ạ", "à", "nhé", "nhỉ", "vậy", "thế", "không", "ko", "gì", "nào", "rồi", "với", "nha", "ha",
    "hả", "là", "có", "được", "a", "ơi",
))
_UNACCENTED = frozenset((
    "a", "ah", "ak", "ad", "oi", "nhe", "nhi", "the", "thi", "sao", "vay", "roi", "nao", "gi", "ko", "khong",
    "em", "anh", "chi", "toi", "minh", "hoi", "xin",
))


def _is_edge_word(word: str, marked: frozenset[str]) -> bool:
    lowered = word.lower()
    return lowered in marked or (fold(lowered) == lowered and lowered in _UNACCENTED)


_ACTS = frozenset(("lam", "xin", "cap", "dang ky", "doi", "gia han", "thu tuc", "nop"))  # folded


# Getting a paper or doing a procedure somewhere: "giấy chứng tử thì xin ở đâu", "thẻ bhyt cho cháu
# làm ở đâu", "trích lục khai tử xin chỗ nào" — a procedure of its own, even when the one in context
# asks for that paper. Folded.
_OBTAIN_WHERE = re.compile(
    r"\b(xin|lam|cap|cap lai|lam lai|dang ky|lay|mua)( \w+){0,2} (o dau|cho nao|noi nao|o mo|co quan nao|o ubnd|o xa|len huyen|len tinh)\b"
)


def asks_where_to_obtain(text: str) -> bool:
    """Whether the message asks where to get something done ("… xin ở đâu"), not what is needed."""
    return bool(_OBTAIN_WHERE.search(folded_syllables(text)))


def _names_an_act(mention: str) -> bool:
    """ "làm hộ chiếu", "đăng ký kết hôn", "xin giấy phép xây dựng": doing a procedure, not a paper."""
    words = syllables(fold(mention))
    return bool(words) and (words[0] in _ACTS or " ".join(words[:2]) in _ACTS)


def clean_mention(mention: str | None) -> str | None:
    """The user's words for the procedure, without question words at either end, when they still
    read as a name (two syllables or more): "gia hạn thì" → "gia hạn"."""
    if not mention:
        return None
    words = mention.strip(" ,.?!").split()
    while words and _is_edge_word(words[-1], _TRAILING):
        words.pop()
    while words and _is_edge_word(words[0], _LEADING) and not (len(words) == 2 and _only_unaccented_edge(words[0])):
        # "the bhyt": typed without diacritics, "the" is as likely "thẻ" as "thế"; a two-word name keeps it.
        words.pop(0)
    return " ".join(words) if len(words) >= 2 else None


def _only_unaccented_edge(word: str) -> bool:
    """An edge word only as typed without diacritics ("the", "thi"), which may as well be a name's word."""
    return word.lower() not in _LEADING


# Words that alone name no procedure: "đăng ký", "làm hồ sơ", "xin giấy" (folded).
_GENERIC = frozenset(("dang", "ky", "lam", "xin", "cap", "thu", "tuc", "ho", "so", "giay", "to", "nop", "don"))


def _quotable(mention: str | None, name: str) -> str | None:
    """The user's words worth quoting back in a decline: a run of the recognised procedure's own
    name ("kết hôn" of "Đăng ký kết hôn"), never a fragment that only shares words with it
    ("sinh, quá hạn" of a late birth registration, "dõi nó") nor a bare "đăng ký"."""
    if not mention or any(mark in mention for mark in ",.;?!"):
        return None
    words = syllables(fold(mention))
    if all(word in _GENERIC for word in words):
        return None
    return mention if f" {' '.join(words)} " in f" {folded_syllables(name)} " else None


def _offer_score(interpreter: Interpreter) -> float:
    resolver = interpreter.resolver
    return resolver.offer_score if resolver else 1.0


def _margin(interpreter: Interpreter) -> float:
    resolver = interpreter.resolver
    return resolver.ambiguity_margin if resolver else 0.0


def extract_slots(
    parse: dict[str, Any], resolution: dict[str, Any], tracker: DialogueStateTracker, domain: Domain
) -> list[Event]:
    """Slot events for this message: ``from_entity`` mappings, and the resolved procedure."""
    events: list[Event] = []
    intent = (parse.get("intent") or {}).get("name")
    for mapping in domain.slot_mappings():
        if mapping.type != "from_entity" or mapping.slot == "procedure":
            continue
        if mapping.intent and intent not in mapping.intent:
            continue
        values = [e["value"] for e in parse.get("entities") or [] if e.get("entity") == mapping.entity]
        if values and tracker.get_slot(mapping.slot) != values[0]:
            events.append(slot_set(mapping.slot, values[0]))
    code = resolution.get("code")
    if resolution.get("status") in ("resolved", "switched") and code != tracker.get_slot("procedure"):
        events.append(slot_set("procedure", code))
    confidence = float((parse.get("intent") or {}).get("confidence") or 0.0)
    if (
        intent == "out_of_scope" and confidence >= CHIT_CHAT_CONFIDENCE
        and resolution.get("status") == "context" and tracker.get_slot("procedure")
    ):
        # Chit-chat is a new topic: "lệ phí bao nhiêu" after it is not about the old procedure,
        # but "quay lại …" finds it again.
        events.append(slot_set("procedure", None))
        events.append(slot_set("previous_procedure", tracker.get_slot("procedure")))
    if tracker.get_slot("previous_procedure") and resolution.get("status") in ("resolved", "switched"):
        events.append(slot_set("previous_procedure", None))  # back on a procedure: nothing to return to
    if tracker.get_slot("offered_procedures"):
        events.append(slot_set("offered_procedures", None))  # the question was answered or passed by
    return events
