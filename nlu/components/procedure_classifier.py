"""Which procedure a whole message is about, learned from every way the data describes it.

The retrieval resolver (``ProcedureResolver``) matches phrases; a citizen's story rarely contains
one whole ("e đang lãnh tctn mà cty mới gọi đi làm thì phải báo trung tâm sao"). This component
learns from whole messages instead — the catalogue's names, aliases and situations, the training
examples that mention a procedure, and the citizens' questions written for each procedure
(``procedure_questions:`` in ``config.yml``) — with two more classes: ``__other__`` (real procedures
the catalogue does not hold) and ``__none__`` (questions that name no procedure: "thế lệ phí bao
nhiêu"). It then:

- names the procedure when retrieval found none and the message is about one of ours with
  probability ``min_probability`` or more, and nothing we do not hold was recognised;
- switches to a close sibling when retrieval found one procedure but the message is about a
  sibling it also ranked, with probability ``switch_probability`` or more ("đang hưởng thất nghiệp
  mà có việc làm mới" → ending the benefit, not applying for it).

Character n-grams and syllable uni- and bigrams of the folded text (no word segmentation: on unaccented
text it guesses, and it was a fifth of the training) and a logistic regression, served from plain arrays
like the intent model.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from nlu.components.base import TrainingContext
from nlu.components.intent_model import LinearIntentModel, char_wb_ngrams, with_ngrams
from nlu.components.procedure_resolver import OFFER_EXPLAINED
from nlu.message import Entity, Message, ProcedureCandidate
from nlu.normalize import Normalizer, fold
from nlu.other_procedures import OTHER_PREFIX
from nlu.tokenize import syllables
from nlu.training_data import TrainingData

__all__ = ["NONE", "OTHER", "ProcedureClassifier"]

OTHER = "__other__"
NONE = "__none__"
REFITS = 2  # times the solver is refitted at a tenth of the tolerance when it stopped at once


def _identity(tokens: list[str]) -> list[str]:
    return tokens


# A candidate that accounts for this share of the user's distinctive words explains all of them.
WHOLLY_EXPLAINED = 0.999
SLIVER = 0.2  # a retrieval pick that accounts for under a fifth of the message's distinctive words (not fit)


class ProcedureClassifier:
    name: ClassVar[str] = "ProcedureClassifier"
    # Reads only the data and the catalogue, never the steps before it: trains in a process of its
    # own beside them (nlu/parallel_training.py).
    trains_apart: ClassVar[bool] = True

    def __init__(
        self,
        C: float = 4.0,
        char_ngrams: tuple[int, int] | list[int] = (2, 5),
        min_probability: float = 0.6,
        switch_probability: float = 0.6,
        context_switch_probability: float = 0.6,
        veto_probability: float = 1.01,
        settle_probability: float | None = None,
        settle_ratio: float = 1.0,
        offer_score: float = 0.3,
        keep_ours_probability: float = 1.01,
        keep_ours_fit_probability: float = 1.01,
        safety_procedures: tuple[str, ...] | list[str] = (),
        safety_probability: float = 1.01,
        tol: float = 1e-3,
        **options: Any,
    ) -> None:
        self.C = float(C)
        self.tol = float(tol)
        self.char_ngrams = (int(char_ngrams[0]), int(char_ngrams[1]))
        self.min_probability = float(min_probability)
        self.switch_probability = float(switch_probability)
        # A follow-up that retrieval found no procedure in leaves the one in context only this surely.
        self.context_switch_probability = float(context_switch_probability)
        # Retrieval named one of ours, but the whole message reads as a procedure we do not hold
        # this surely (and more than as ours): declined instead (above 1.0: never).
        self.veto_probability = float(veto_probability)
        # A retrieval tie ("which one?") is settled on the classifier's word when its choice is the
        # likeliest of all, this probable (None: context_switch_probability) and this many times
        # likelier than the next tied procedure.
        self.settle_probability = float(settle_probability) if settle_probability is not None else None
        self.settle_ratio = float(settle_ratio)
        self.offer_score = float(offer_score)
        # Retrieval declined for a procedure we do not hold whose name fits better but explains less
        # of the message than ours ("… chú làm căn cước thì không khớp, sửa hồ sơ thương binh sao"):
        # ours kept when the whole message reads as ours this surely (above 1.0: never).
        self.keep_ours_probability = float(keep_ours_probability)
        # … or whose words cover more of the message, though ours fits better ("em họ bị bán qua biên
        # giới, vừa được đưa về, có được giúp gì không": reporting the crime is the police's, the support
        # ours): ours kept when the whole message reads as ours this surely (above 1.0: never).
        self.keep_ours_fit_probability = float(keep_ours_fit_probability)
        # A child in danger is never declined: a safety procedure (the child-protection line) that is
        # the likeliest of all is named from this probability, below ``min_probability`` too.
        self.safety_procedures = frozenset(str(code) for code in safety_procedures)
        self.safety_probability = float(safety_probability)
        self._normalizer: Normalizer | None = None
        self._model: LinearIntentModel | None = None
        # Procedures it learnt from citizens' own messages: the only ones it switches to (an
        # imported record known by its name alone never takes a curated one's question).
        self._asked: frozenset[str] = frozenset()

    # Training ---------------------------------------------------------------------------------
    def train(self, data: TrainingData, context: TrainingContext) -> None:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        known = {entry.code for entry in context.catalogue}
        if not known:
            return  # any public Rasa data set: no catalogue, nothing to learn here
        normalizer = self._normalizer = Normalizer(context.abbreviations)
        texts: list[str] = []
        labels: list[str] = []

        def add(text: str, label: str) -> None:
            # The features read the folded text, so one copy serves typed and unaccented input alike.
            texts.append(normalizer(text).folded)
            labels.append(label)

        for entry in context.catalogue:
            for phrase in (entry.name, *entry.aliases, *entry.situations):
                add(phrase, entry.code)
        for text, code in context.questions:
            if code in known:
                add(text, code)
        self._asked = frozenset(code for _, code in context.questions if code in known)
        for example in data.examples:
            codes = [s.value for s in example.entities if s.entity == "procedure" and s.value in known]
            if codes:
                add(example.text, codes[0])
            elif example.intent:  # a question, a greeting, a complaint... that names no procedure
                add(example.text, NONE)
        for entry in context.others:
            for phrase in (entry.name, *entry.aliases):
                add(phrase, OTHER)
        rows = [self._features(text) for text in texts]
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, sublinear_tf=True, min_df=2)
        folded_words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        columns = list(zip(*rows))
        matrix = sparse.hstack(
            [chars.fit_transform(columns[0]), folded_words.fit_transform(columns[1])], format="csr"
        )
        # lbfgs stops at once when the first gradient is already under ``tol``: every class would be
        # equally likely, silently (it happened with 3e-3 at 82 classes, and with 1e-3 once the
        # portal's 532 records are imported beside the curated entries): refit at a tenth of it.
        tol = self.tol
        for _ in range(REFITS + 1):
            model = LogisticRegression(C=self.C, max_iter=2000, class_weight="balanced", tol=tol)
            model.fit(matrix, labels)
            if int(np.max(model.n_iter_)):
                break
            tol /= 10
        else:
            raise RuntimeError(f"{self.name}: the solver stopped before learning even at tol {tol * 10}")
        self._model = LinearIntentModel.from_sklearn([(chars, 1.0), (folded_words, 1.0)], model)

    def _features(self, text: str) -> tuple[str, list[str]]:
        folded = fold(text)
        return folded, with_ngrams(syllables(folded), (1, 2))

    # Inference --------------------------------------------------------------------------------
    def probabilities(self, text: str) -> dict[str, float]:
        if self._model is None or self._normalizer is None:
            return {}
        chars, folded_words = self._features(self._normalizer(text).folded)
        logits = self._model.logits([char_wb_ngrams(chars, self.char_ngrams), folded_words])
        logits = logits - logits.max()
        probs = np.exp(logits) / np.exp(logits).sum()
        return {label: float(p) for label, p in zip(self._model.labels, probs)}

    def process(self, message: Message) -> None:
        if self._model is None or not message.original.strip():
            return
        if message.procedure_not_held is not None:
            self._keep_ours(message)
            return
        probs = self.probabilities(message.original)
        if not probs:
            return
        mentioned = [e for e in message.entities if e.entity == "procedure"]
        if mentioned and (outweighing := self._outweighs_a_sliver(message, mentioned[0], probs)):
            # "nhà em hộ cận nghèo …, chồng muốn vay tiền nuôi gà, nghe nói quỹ việc làm có cho vay, được
            # vay bn": retrieval's "hộ cận nghèo" is a sliver of the message; the whole reads as the loan.
            message.entities.remove(mentioned[0])
            message.entities.append(Entity("procedure", outweighing, 0, len(message.original), probs[outweighing], self.name))
            message.procedure_ambiguous = False
            return
        if mentioned:
            held = self._maybe_switch(message, mentioned[0], probs)
            if held.extractor != self.name and self._vetoes(held.value, probs):
                # "thẻ bhyt hết hạn rồi, gia hạn ở đâu": "gia hạn" named a work-permit extension.
                message.entities.remove(held)
                message.procedure_ambiguous = False
                message.procedure_not_held = ProcedureCandidate(f"{OTHER_PREFIX}{self.name}", "", probs[OTHER], 0, 0)
                return
            if message.procedure_ambiguous and self._settles(held.value, probs, message.procedure_tied):
                # Retrieval tied two names ("nhờ hòa giải" vs a complaint about unpaid wages); the
                # whole message says which.
                message.procedure_ambiguous = False
            elif message.procedure_ambiguous and (best := self._outside_the_tie(probs, message.procedure_tied)):
                # The tied names are words another procedure's story uses too ("trợ cấp hằng tháng"
                # for someone short of pension years): the whole message is surely about that one.
                message.entities.remove(held)
                message.entities.append(Entity("procedure", best, 0, len(message.original), probs[best], self.name))
                message.procedure_ambiguous = False
            return
        if message.procedure_ambiguous:
            return
        best = max(probs, key=lambda label: probs[label])
        # Several procedures that explain the message are offered as a question ("liệt sĩ cần giấy
        # tờ gì"); a guess among them must be as sure as leaving a procedure in context.
        offered = [c for c in message.procedures if c.score >= self.offer_score and c.explained >= OFFER_EXPLAINED]
        if sum(c.explained >= WHOLLY_EXPLAINED for c in offered) >= 2:
            # Each of them accounts for every word the user wrote ("liệt sĩ thì cần giấy tờ gì"): nothing
            # in the message tells them apart, and a guess would be the training data's proportions.
            return
        needed = max(self.context_switch_probability, self.min_probability) if len(offered) >= 2 else self.min_probability
        if best in self.safety_procedures:
            needed = min(needed, self.safety_probability)
        if best in (OTHER, NONE) or probs[best] < needed:
            return
        start, end = next(((c.start, c.end) for c in message.procedures if c.code == best), (0, len(message.original)))
        message.entities.append(Entity("procedure", best, start, end, probs[best], self.name))

    def _outweighs_a_sliver(self, message: Message, held: Entity, probs: dict[str, float]) -> str | None:
        """The likeliest procedure of all, when retrieval's pick accounts for under ``SLIVER`` of the
        message and the whole reads as that other one at ``min_probability`` or more and
        ``settle_ratio`` times likelier than the pick."""
        best = max(probs, key=lambda label: probs[label])
        if held.extractor == self.name or best in (OTHER, NONE) or best == held.value or best not in self._asked:
            return None
        picked = next((c for c in message.procedures if c.code == held.value), None)
        if picked is None or picked.explained >= SLIVER:
            return None
        if probs[best] < self.min_probability or probs[best] < self.settle_ratio * probs.get(held.value, 0.0):
            return None
        return best

    def _keep_ours(self, message: Message) -> None:
        """The classifier's choice instead of the procedure we do not hold, when retrieval ranked it
        among ours, it explains more of the message and the whole message is clearly about it."""
        other = message.procedure_not_held
        if other is None or not any(c.explained > other.explained or c.score > other.score for c in message.procedures):
            return  # most declines: none of ours explains more or fits better, and the classifier is not asked
        probs = self.probabilities(message.original)
        if not probs:
            return
        best = max(probs, key=lambda label: probs[label])
        ours = next((c for c in message.procedures if c.code == best), None)
        if ours is None or ours.code not in getattr(self, "_asked", frozenset()):
            return
        if ours.explained > other.explained:
            needed = self.keep_ours_probability
        elif ours.score > other.score:
            needed = getattr(self, "keep_ours_fit_probability", 1.01)  # models pickled before it: never
        else:
            return
        if probs[best] < needed:
            return
        message.procedure_not_held = None
        message.not_held_agency, message.not_held_note = None, None
        message.entities.append(Entity("procedure", ours.code, ours.start, ours.end, probs[ours.code], self.name))

    def _vetoes(self, code: str, probs: dict[str, float]) -> bool:
        other = probs.get(OTHER, 0.0)
        return other >= self.veto_probability and other > probs.get(code, 0.0)

    def _settles(self, code: str, probs: dict[str, float], tied: list[str] | None = None) -> bool:
        """The whole message is about ``code`` more than anything else, surely enough and clearly more
        than about the other tied procedures: "liệt sĩ thì cần giấy tờ gì" (the martyr procedures
        alike) still asks which one."""
        needed = getattr(self, "settle_probability", None) or self.context_switch_probability
        p = probs.get(code, 0.0)
        others = max((probs.get(c, 0.0) for c in tied or [] if c != code), default=0.0)
        return (
            p >= needed
            and max(probs, key=lambda label: probs[label]) == code
            and p >= getattr(self, "settle_ratio", 1.0) * others
        )

    def _outside_the_tie(self, probs: dict[str, float], tied: list[str] | None) -> str | None:
        """The classifier's choice when it is none of the tied procedures, one it learnt from citizens'
        messages, and it would settle the tie were it among them (``_settles``); else None."""
        best = max(probs, key=lambda label: probs[label])
        if best in (OTHER, NONE) or best in (tied or []) or best not in getattr(self, "_asked", frozenset()):
            return None
        return best if self._settles(best, probs, tied) else None

    def _maybe_switch(self, message: Message, current: Entity, probs: dict[str, float]) -> Entity:
        """To a sibling retrieval ranked close too, when the whole message is clearly about it; the
        procedure entity held afterwards."""
        asked = getattr(self, "_asked", frozenset())  # models pickled before it: no switching target
        close = {
            c.code: c for c in message.procedures
            if c.score >= self.offer_score and c.code != current.value and c.code in asked
        }
        sibling = max(close, key=lambda code: probs.get(code, 0.0), default=None)
        if sibling is None or probs.get(sibling, 0.0) < self.switch_probability:
            return current
        if probs.get(sibling, 0.0) <= probs.get(current.value, 0.0):
            return current
        candidate = close[sibling]
        switched = Entity("procedure", sibling, candidate.start, candidate.end, probs[sibling], self.name)
        message.entities.remove(current)
        message.entities.append(switched)
        return switched
