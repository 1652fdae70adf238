"""Maps a mention of a procedure to its catalogue code (the ``procedure`` entity).

"làm gplđ cần gì" → ``procedure=work_permit_issue`` with the span of "gplđ". Below ``min_score``
nothing is extracted, so a procedure that is not in the catalogue is never answered with a
similar-sounding one; two candidates within ``ambiguity_margin`` are flagged for a question.
"""

from __future__ import annotations

from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.components.intent_classifier import focus_start
from nlu.message import Entity, Message, ProcedureCandidate
from nlu.normalize import Abbreviations, fold
from nlu.other_procedures import is_other, not_in
from nlu.procedure_index import PHRASE_WEIGHTS, STOPWORDS, ProcedureIndex, QueryToken, query_tokens
from nlu.tokenize import syllables
from nlu.training_data import Example, TrainingData

__all__ = ["OFFER_EXPLAINED", "ProcedureResolver", "conclude", "specific_first"]

# A follow-up switches procedure only when the user's own distinctive words point to the new one
# and most of them are accounted for by it ("gia hạn" yes; "đăng ký kết hôn" is not half of anything).
MIN_CONTEXT_GAIN = 1.0
MIN_CONTEXT_EXPLAINED = 0.75
# Candidates below min_score are offered as a question only when they explain this much of the message.
OFFER_EXPLAINED = MIN_CONTEXT_EXPLAINED
EXPLAINED_MARGIN = 0.1
# How much lower a candidate may score and still come first for explaining more of the message.
SPECIFIC_MARGIN = 0.2
# Words around a paper's name that are no part of it ("giấy chứng tử hay", "cái giấy gì").
_QUESTION_WORDS = frozenset(("gi", "nao", "cai", "can", "co", "khong", "ko", "k", "thi", "hay", "va", "nua", "la", "a"))
# A word used around the names of this many of our procedures is question wording, not a subject.
WORDING_PROCEDURES = 3


class ProcedureResolver:
    name: ClassVar[str] = "ProcedureResolver"

    def __init__(
        self,
        min_score: float = 0.35,
        ambiguity_margin: float = 0.08,
        offer_score: float = 0.3,
        not_held_score: float | None = None,
        followup_not_held_score: float | None = None,
        **options: Any,
    ) -> None:
        self.min_score = min_score
        self.offer_score = offer_score
        # A real procedure we do not hold is recognised from this score (default: as ours).
        self.not_held_score = min_score if not_held_score is None else not_held_score
        # In a follow-up, a real procedure we do not hold is recognised from this score, when the words
        # it matched are the message's subject (bench/followup_open_set.py; default: as in a first message).
        self.followup_not_held_score = (
            self.not_held_score if followup_not_held_score is None else followup_not_held_score
        )
        self.ambiguity_margin = ambiguity_margin
        self.index = ProcedureIndex(Abbreviations({}))
        self.frame_vocabulary: frozenset[str] = frozenset()
        self.others: dict[str, tuple[str, str | None]] = {}  # not-held code → (agency, where to turn)
        self.detail_words: dict[str, frozenset[str]] = {}  # catalogue code → folded syllables of its details
        self.frame_grams: frozenset[str] = frozenset()
        self.wording_grams: frozenset[str] = frozenset()

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        index = ProcedureIndex(context.abbreviations)
        known = {entry.code for entry in context.catalogue}
        for entry in context.catalogue:
            index.add_procedure(entry)
        self.detail_words = {
            entry.code: frozenset(syllables(fold(" ".join(entry.details)))) for entry in context.catalogue
        }
        self.related = {entry.code: frozenset(entry.related) for entry in context.catalogue}
        self.name_phrases = {
            entry.code: tuple(f" {' '.join(syllables(fold(name)))} " for name in (entry.name, *entry.aliases))
            for entry in context.catalogue
        }
        others = not_in(context.others, context.catalogue)
        for entry in others:
            index.add_procedure(entry)
        self.others = {entry.code: (entry.field, entry.note) for entry in others}
        for example in data.examples:
            for span in example.entities:
                # Without a catalogue (any public data set) annotated mentions define the procedures.
                if span.entity == "procedure" and (span.value in known or not known):
                    index.names.setdefault(span.value, span.value)
                    index.add(span.value, span.text, PHRASE_WEIGHTS["mention"])
        index.build()
        self.index = index
        self.frame_grams = _frame_grams(data, context.abbreviations)
        self.frame_vocabulary = frozenset(g for g in self.frame_grams if " " not in g)
        self.wording_grams = _wording_grams(data, context.abbreviations, known)

    def candidates(self, text: str, context_code: str | None = None, limit: int = 5) -> list[ProcedureCandidate]:
        """Ranked catalogue procedures for ``text``; with ``context_code``, only the other procedures
        that the user's own distinctive words point to, read together with the one in context."""
        return [c for c in self.ranked(text, context_code, limit) if not is_other(c.code)][:limit]

    def ranked(self, text: str, context_code: str | None = None, limit: int = 5) -> list[ProcedureCandidate]:
        """Like ``candidates``, with the real procedures the catalogue does not hold ranked among them."""
        context_text = self.index.names.get(context_code) if context_code else None
        out = []
        matches = self.index.search(
            text, limit=limit + 8, context_text=context_text, frame_grams=self.frame_grams
        )
        for match in matches:
            if context_text and (
                match.code == context_code
                or match.gain_outside_context < MIN_CONTEXT_GAIN
                or match.explained < MIN_CONTEXT_EXPLAINED
            ):
                continue
            out.append(
                ProcedureCandidate(
                    match.code, self.index.names.get(match.code, match.code), match.score,
                    match.start, match.end, match.explained,
                )
            )
        return out

    def talks_about(self, code: str, mention: str) -> bool:
        """Whether procedure ``code``'s own papers, conditions or steps hold every word of ``mention``:
        "phiếu lý lịch tư pháp" is a paper of several licences, "đăng ký khai sinh" is no step of them."""
        words = [w for w in syllables(fold(mention)) if w not in STOPWORDS]
        known = self.detail_words.get(code, frozenset())
        return len(words) >= 2 and all(w in known for w in words)

    def names_word_for_word(self, code: str, mention: str) -> bool:
        """Whether procedure ``code``'s name or one of its aliases holds ``mention`` (two words at
        least), word for word: "miễn học phí" is the vocational tuition exemption's ("miễn học phí
        học nghề") as much as the general schools'."""
        words = syllables(fold(mention))
        phrase = f" {' '.join(words)} "
        return len(words) >= 2 and any(phrase in name for name in self.name_phrases.get(code, ()))

    def names_one_of_ours(self, mention: str) -> bool:
        """Whether ``mention`` (two words at least) is word for word in the name or an alias of a
        procedure we hold: "hộ nghèo" is never quoted back as one we do not hold."""
        return any(self.names_word_for_word(code, mention) for code in self.name_phrases)

    def holds_paper(self, code: str, mention: str) -> bool:
        """Like ``talks_about``, for the paper a follow-up names: the short words of its name count
        too ("tử" of "giấy chứng tử" folds to the stopword "tu"), but at least one must be more than
        a function word."""
        return self.holds_paper_in(self.detail_words.get(code, frozenset()), mention)

    @staticmethod
    def holds_paper_in(known: set[str] | frozenset[str], mention: str) -> bool:
        """Whether the folded syllables ``known`` hold every word of the paper ``mention`` names."""
        words = [w for w in syllables(fold(mention)) if w not in _QUESTION_WORDS]
        content = [w for w in words if w not in STOPWORDS]
        return len(words) >= 2 and bool(content) and all(w in known for w in content)

    def is_ambiguous(self, ranked: list[ProcedureCandidate]) -> bool:
        """Two close scores that account for the same words of the user: "giấy phép" alone may
        be several procedures, but "gia hạn giấy phép lao động" is the one that explains "gia hạn"."""
        return (
            len(ranked) >= 2
            and ranked[0].score >= self.min_score
            and ranked[1].score >= self.min_score
            and ranked[0].score - ranked[1].score < self.ambiguity_margin
            and ranked[0].explained - ranked[1].explained < EXPLAINED_MARGIN
        )

    def process(self, message: Message) -> None:
        every = specific_first(self.ranked(message.original, limit=8))
        ranked = [c for c in every if not is_other(c.code)][:5]
        message.procedures = ranked
        ours, other = conclude(every, self.min_score, self.not_held_score)
        if other is not None:
            message.procedure_not_held = other
            message.not_held_agency, message.not_held_note = self.others.get(other.code, ("", None))
        if ours is not None:
            message.procedure_ambiguous = self.is_ambiguous(ranked)
            if message.procedure_ambiguous:
                message.procedure_tied = [c.code for c in ranked if ranked[0].score - c.score < self.ambiguity_margin]
                asked = self.tie_settled_by_question(message.original, message.procedure_tied)
                if asked is not None:
                    # "chú đang lãnh trợ cấp hằng tháng, mới mất, được hỗ trợ mai táng bao nhiêu":
                    # the story names one, the question the other.
                    ours = next(c for c in ranked if c.code == asked)
                    message.procedures = [ours, *[c for c in ranked if c is not ours]]
                    message.procedure_ambiguous, message.procedure_tied = False, None
            else:
                # Not a tie, but close: "cô tôi lãnh trợ cấp hằng tháng vì khuyết tật, tuần rồi qua
                # đời, nhà có được hỗ trợ chi phí chôn cất không" — the story names the allowance, the
                # question the funeral support; the question decides as it does a tie.
                close = [c.code for c in ranked if c.score >= self.min_score and ours.score - c.score < SPECIFIC_MARGIN]
                asked = self.tie_settled_by_question(message.original, close) if len(close) >= 2 else None
                if asked is not None and asked != ours.code:
                    ours = next(c for c in ranked if c.code == asked)
                    message.procedures = [ours, *[c for c in ranked if c is not ours]]
            message.entities.append(Entity("procedure", ours.code, ours.start, ours.end, ours.score, self.name))
        message.topic_words, message.topic_span = self.topic_words(message)
        if ours is None and other is None:
            message.not_held_in_context = self.followup_not_held(message, every)
            if message.not_held_in_context is not None:
                message.not_held_in_context_where = self.others.get(message.not_held_in_context.code, ("", None))
            message.not_held_topic = self.topic_not_held(message.topic_span, every)
            if message.not_held_topic is not None:
                message.not_held_topic_where = self.others.get(message.not_held_topic.code, ("", None))

    def topic_not_held(
        self, span: tuple[int, int] | None, every: list[ProcedureCandidate]
    ) -> ProcedureCandidate | None:
        """The likeliest real procedure we do not hold whose matched words cover the message's whole
        subject (``topic_words``), from ``offer_score``: "visa thì xin ở đâu" — a visa, though one word
        of the name scores low. Only a where-to-get question reads it (``bot.slots``)."""
        if span is None:
            return None
        start, end = span
        other = next(
            (c for c in every if is_other(c.code) and c.score >= self.offer_score and c.start <= start and c.end >= end),
            None,
        )
        if other is None:
            return None
        # "làm hồ sơ ở đâu, online trên vssid được không": one of ours accounts for more of the words.
        return None if any(c.explained > other.explained for c in every if not is_other(c.code)) else other

    def followup_not_held(self, message: Message, every: list[ProcedureCandidate]) -> ProcedureCandidate | None:
        """The real procedure we do not hold that ``message`` names if it is a follow-up: from
        ``followup_not_held_score``, and only when every word it matched is the message's subject,
        not question wording — "thế còn khai tử thì sao" names one, "nộp qua mạng được không" (a
        fraud report's "qua mạng") or "quá hạn rồi còn làm được không" (a late birth registration's
        "quá hạn") does not. A follow-up is short: its name scores lower than in a whole question."""
        _, other = conclude(every, self.min_score, self.followup_not_held_score)
        if other is None or other.end <= other.start or other.explained < MIN_CONTEXT_EXPLAINED:
            return None
        mention = message.original[other.start : other.end]
        tokens = [t for t in query_tokens(mention, self.index.abbreviations) if not t.syllable.isdigit()]
        marked = [_marked(mention[t.start : t.end], t.syllable) for t in tokens]
        # A stopword folded may be a name's word typed with its marks: "tử" of "khai tử" is not "từ".
        content = [t.syllable not in STOPWORDS or m != t.syllable for t, m in zip(tokens, marked)]
        if not any(c and m not in self.wording_grams for c, m in zip(content, marked)):
            return None
        pairs = (f"{marked[i]} {marked[i + 1]}" for i in range(len(tokens) - 1) if content[i] and content[i + 1])
        return None if any(pair in self.wording_grams for pair in pairs) else other

    def tie_settled_by_question(self, text: str, tied: list[str]) -> str | None:
        """The one tied procedure the question a message ends with names, when the others do not
        appear in it at all."""
        folded = fold(text)
        start = focus_start(folded) if len(folded) == len(text) else 0
        if start == 0:
            return None
        in_question = {c.code: c.score for c in self.ranked(text[start:], limit=8)}
        named = [code for code in tied if in_question.get(code, 0.0) >= self.min_score]
        unnamed = [code for code in tied if in_question.get(code, 0.0) < self.offer_score]
        return named[0] if len(named) == 1 and len(unnamed) == len(tied) - 1 else None

    def topic_words(self, message: Message) -> tuple[list[str], tuple[int, int] | None]:
        """Words that name a subject the bot did not recognise: not question wording ("cần",
        "giấy tờ", "bao lâu"), not a stopword, not inside an extracted entity. Question wording is
        compared with diacritics when the user typed them, so "kết hôn" is not "kết quả" + "hơn".
        "đăng ký kết hôn cần giấy tờ gì" → ["ky", "ket", "hon"] and the span of those words."""
        chosen = self._topical_tokens(message)
        if not chosen:
            return [], None
        return [t.syllable for t in chosen], (chosen[0].start, chosen[-1].end)

    def _topical_tokens(self, message: Message) -> list[QueryToken]:
        """The tokens of ``topic_words``, with their offsets in ``message.original``."""
        taken = [(e.start, e.end) for e in message.entities]
        tokens = [
            t for t in query_tokens(message.original, self.index.abbreviations)
            if not any(start <= t.start < end for start, end in taken)
        ]
        marked = [_marked(message.original[t.start : t.end], t.syllable) for t in tokens]
        content = [
            t.syllable not in STOPWORDS and not t.syllable.isdigit() for t in tokens
        ]
        unusual = [content[i] and marked[i] not in self.frame_grams for i in range(len(tokens))]
        topical = list(unusual)
        # An unusual word pulls in its neighbour when the pair is unusual too: "kết hôn", "hộ chiếu".
        for i in range(len(tokens) - 1):
            pair_unusual = f"{marked[i]} {marked[i + 1]}" not in self.frame_grams
            if content[i] and content[i + 1] and pair_unusual and (unusual[i] or unusual[i + 1]):
                topical[i] = topical[i + 1] = True
        return [t for t, is_topic in zip(tokens, topical) if is_topic]


def conclude(
    every: list[ProcedureCandidate], min_score: float, not_held_score: float
) -> tuple[ProcedureCandidate | None, ProcedureCandidate | None]:
    """(the catalogue procedure named, the real procedure we do not hold recognised) — at most one.
    A procedure we do not hold that fits the message better than any we hold wins: "đăng ký kết hôn
    cần giấy tờ gì" is declined, not answered with a near neighbour."""
    ours = next((c for c in every if not is_other(c.code)), None)
    if ours is not None and ours.score < min_score:
        ours = None
    other = next((c for c in every if is_other(c.code) and c.score >= not_held_score), None)
    if other is not None and (ours is None or _beats(other, ours)):
        return None, other
    return ours, None


def _beats(other: ProcedureCandidate, ours: ProcedureCandidate) -> bool:
    """The procedure we do not hold wins when it fits at least as well and accounts for as much of
    what the user wrote — or, recognised at all, when it accounts for clearly more of it: "thẻ bhyt
    hết hạn rồi, gia hạn ở đâu" is about the card, not a work permit's "gia hạn"."""
    return (
        other.score > ours.score
        or (other.score >= ours.score - EXPLAINED_MARGIN and other.explained > ours.explained)
        or (other.score >= ours.score - 2 * EXPLAINED_MARGIN and other.explained >= ours.explained + 2 * EXPLAINED_MARGIN)
    )


def specific_first(ranked: list[ProcedureCandidate]) -> list[ProcedureCandidate]:
    """Among near-equal candidates, the one that accounts for more of the user's words comes first:
    "gplđ bị mất xin cấp lại" fits "giấy phép lao động" (issue) fully, but "cấp lại giấy phép lao
    động" explains "cấp lại" too."""
    if len(ranked) < 2:
        return ranked
    top = ranked[0]
    better = [
        c for c in ranked[1:]
        if c.score >= top.score - SPECIFIC_MARGIN and c.explained >= top.explained + EXPLAINED_MARGIN
    ]
    if not better:
        return ranked
    best = max(better, key=lambda c: (c.explained, c.score))
    return [best, *[c for c in ranked if c is not best]]


def _marked(surface: str, folded: str) -> str:
    """The syllable as typed (lower case) when it carries diacritics, else its folded form."""
    lowered = surface.lower()
    return lowered if lowered != folded and fold(lowered) == folded else folded


def _wording_grams(data: TrainingData, abbreviations: Abbreviations, known: set[str]) -> frozenset[str]:
    """Question wording by the procedures it is used with: the syllables and pairs outside the
    mention of examples that name one of ours, used with at least ``WORDING_PROCEDURES`` of them
    ("lệ phí", "qua mạng", "quá hạn"). Unlike ``_frame_grams`` this ignores the examples that name no
    procedure: some of them ask about other ministries' ("đăng ký khai tử cần gì"), and their subject
    is not question wording."""
    codes: dict[str, set[str]] = {}
    for example in data.examples:
        mentions = [span for span in example.entities if span.entity == "procedure" and span.value in known]
        if not mentions:
            continue
        for gram in _grams_outside_entities(example, abbreviations):
            codes.setdefault(gram, set()).update(span.value for span in mentions)
    return frozenset(g for g, used_with in codes.items() if len(used_with) >= WORDING_PROCEDURES)


def _grams_outside_entities(example: Example, abbreviations: Abbreviations) -> set[str]:
    """The syllables (folded, and as typed) and syllable pairs of an example outside its entities."""
    spans = [(span.start, span.end) for span in example.entities]
    grams: set[str] = set()
    previous: tuple[str, str] | None = None
    for token in query_tokens(example.text, abbreviations):
        if any(start <= token.start < end for start, end in spans):
            previous = None
            continue
        forms = (token.syllable, _marked(example.text[token.start : token.end], token.syllable))
        grams.update(forms)
        if previous:
            grams.update(f"{a} {b}" for a in previous for b in forms)
        previous = forms
    return grams


def _frame_grams(data: TrainingData, abbreviations: Abbreviations) -> frozenset[str]:
    """Syllables and syllable pairs that users wrap around a topic ("cần giấy tờ gì", "lệ phí"),
    learned from the non-entity text of the examples."""
    counts: dict[str, int] = {}
    for example in data.examples:
        if example.intent in (None, "out_of_scope", "complain"):
            continue
        for syllable in _grams_outside_entities(example, abbreviations):
            counts[syllable] = counts.get(syllable, 0) + 1
    # A word is question wording when many examples use it; a subject mentioned in two or three
    # examples ("kết hôn") stays a subject.
    threshold = max(4, int(0.002 * len(data.examples)))
    return frozenset(s for s, n in counts.items() if n >= threshold)
