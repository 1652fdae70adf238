"""Intent classification that survives missing diacritics.

Features: character n-grams and word n-grams of the folded text (``"thu tuc"`` = ``"thủ tục"``),
plus word unigrams with diacritics where the user typed them. Every example is learned twice, as
written and folded, so the model does not depend on the diacritic features. Examples that name a
procedure are learned a third time with the mention replaced by a placeholder, and at parse time a
resolved mention is replaced the same way: the intent comes from how the question is asked, not
from which procedure it is about ("chi phí mai táng ... bao nhiêu" asks for a benefit, not a fee).
A multinomial logistic regression gives probabilities; a temperature fitted on held-out folds makes
them calibrated. scikit-learn is imported only to train (see ``intent_model``).
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any, ClassVar

import numpy as np

from nlu.components.base import TrainingContext
from nlu.components.intent_model import LinearIntentModel, char_wb_ngrams, with_ngrams
from nlu.message import IntentScore, Message
from nlu.normalize import Normalizer, fold
from nlu.tokenize import words
from nlu.training_data import TrainingData

__all__ = ["IntentClassifier", "mask_spans"]

_DIGITS = re.compile(r"\d+")
# Where one message may hold a second question: "hồ sơ gồm gì và lệ phí bao nhiêu?", "..., còn mất bao lâu".
_CLAUSE_BREAK = re.compile(r"[?;]|,\s*|\s(?:va|voi lai|voi ca|con|them nua la|ngoai ra)\s")
PLACEHOLDER = " thutucx "
MARKED_SCALE = 0.5  # diacritic-bearing words count half: they are absent from folded input
# "balanced" (the default) weighs every intent alike, which suits a project's few examples per
# intent; on a set where one intent is most of the traffic (PhoATIS: "flight" 73 %) it pulls
# messages towards the rare intents. "auto" takes whichever does better on held-out folds of the
# training data. Not the default: on this project it chose "none" and the conversation sets lost
# 5 of 510 replies; on PhoATIS it won 2.9 points on held-out training folds but not on the test split.
_WEIGHTINGS = {"auto", "balanced", "none"}
# The entity types a message holds ("ent=fare_amount", "ent=airline_name") as features of their own:
# a price asked about makes an airfare question whichever words carry it. In training they come
# from the annotations, in parsing from the extractors that ran before; a small weight, as evidence.
# Off by default (``entity_features: true`` to use): +0.3 points on held-out PhoATIS training folds,
# nothing shown beyond.
ENTITY_SCALE = 0.5
# The question a message ends with, as features of its own ("q:o|dau"): a citizen tells the story
# first and asks last ("bố tôi mới mất tháng trước, gia đình làm tiền tử tuất ở đâu"), and in a
# bag of words the story drowns the question. The focus is the text after the last clause break or
# "thì"/"mà"/"giờ" (the comment after a topic), widened to at least three words. Off by default
# (``question_focus: true``); the scale weighs the block against the whole message's words.
_FOCUS_BREAK = re.compile(r"[?;,.!:]|\s(?:va|con|thi|ma|nhung|gio|neu)\s")
_SYLLABLE = re.compile(r"\w+")
FOCUS_SCALE = 0.7
FOCUS_WORDS = 3


def mask_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``"hồ sơ tctn gồm gì"`` with the span of "tctn" → ``"hồ sơ  thutucx  gồm gì"``."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + PLACEHOLDER + text[end:]
    return text


def question_focus(folded: str, least_words: int = FOCUS_WORDS) -> list[str]:
    """The folded words of the question a message ends with: ``"bo toi moi mat, gia dinh lam tien
    tu tuat o dau"`` → ``["gia", "dinh", "lam", "tien", "tu", "tuat", "o", "dau"]``."""
    tokens: list[str] = []
    end = len(folded)
    for match in reversed(list(_FOCUS_BREAK.finditer(folded))):
        tokens = _SYLLABLE.findall(folded[match.end() : end]) + tokens
        end = match.start()
        if len(tokens) >= least_words:
            return tokens
    return _SYLLABLE.findall(folded[:end]) + tokens


def focus_start(folded: str, least_words: int = FOCUS_WORDS) -> int:
    """Where the question a message ends with begins (0: the whole message is the question); the
    words ``question_focus`` gives are those after it, but for the break words inside it."""
    words = 0
    end = len(folded)
    for match in reversed(list(_FOCUS_BREAK.finditer(folded))):
        words += len(_SYLLABLE.findall(folded[match.end() : end]))
        end = match.start()
        if words >= least_words:
            return match.end()
    return 0


def _identity(tokens: list[str]) -> list[str]:
    return tokens


def _sklearn_weight(weighting: str) -> str | None:
    return "balanced" if weighting == "balanced" else None


class IntentClassifier:
    name: ClassVar[str] = "IntentClassifier"

    def __init__(
        self,
        char_ngrams: tuple[int, int] | list[int] = (2, 5),
        word_ngrams: tuple[int, int] | list[int] = (1, 2),
        C: float = 8.0,
        ranking_length: int = 10,
        min_df: int = 2,
        mask_entities: list[str] | str | None = None,
        clause_confidence: float = 0.8,
        class_weight: str = "balanced",
        entity_features: bool = False,
        question_focus: bool = False,
        **options: Any,
    ) -> None:
        if class_weight not in _WEIGHTINGS:
            raise ValueError(
                f"IntentClassifier class_weight must be one of {sorted(_WEIGHTINGS)}, not {class_weight!r}"
            )
        self.class_weight = class_weight
        self.entity_features = bool(entity_features)
        self.question_focus = bool(question_focus)
        self._with_kinds = False
        self.weighting = "balanced"  # the one chosen in training
        self.clause_confidence = float(clause_confidence)
        self.char_ngrams = (int(char_ngrams[0]), int(char_ngrams[1]))
        self.word_ngrams = (int(word_ngrams[0]), int(word_ngrams[1]))
        self.C = float(C)
        self.ranking_length = ranking_length
        self.min_df = int(min_df)
        # "all": every entity's words give way to the placeholder, so the intent is read from how
        # the question is asked, not from which city or date it names (another data set's option).
        self._mask_all = mask_entities == "all"
        if isinstance(mask_entities, str) and not self._mask_all:
            raise ValueError(f"IntentClassifier mask_entities must be a list or 'all', not {mask_entities!r}")
        listed = [] if isinstance(mask_entities, str) else mask_entities
        self.mask_entities = set(listed if listed is not None else ["procedure"])
        self.temperature = 1.0
        self._normalizer: Normalizer | None = None
        self._model: LinearIntentModel | None = None

    # Features ---------------------------------------------------------------------------------
    def _features(self, normalized: str, tokens: list[str]) -> tuple[str, list[str], list[str]]:
        """Folded text for char n-grams, folded word n-grams, words as typed (digits as 0)."""
        normalized = _DIGITS.sub("0", normalized)
        marked = [_DIGITS.sub("0", t.lower()) for t in tokens]
        return fold(normalized), with_ngrams([fold(t) for t in marked], self.word_ngrams), marked

    def _focus_items(self, folded: str) -> list[str]:
        return ["q:" + item for item in with_ngrams(question_focus(folded), (1, 2))]

    # Training ---------------------------------------------------------------------------------
    def train(self, data: TrainingData, context: TrainingContext) -> None:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        normalizer = self._normalizer = Normalizer(context.abbreviations)
        rows: list[tuple[str, list[str], list[str], list[str]]] = []
        labels: list[str] = []
        groups: list[int] = []
        for number, example in enumerate(data.examples):
            if not example.intent:
                continue
            text = normalizer(example.text)
            variants = {text.normalized, text.folded}
            spans = [(e.start, e.end) for e in example.entities if self._masks(e.entity)]
            if spans:
                masked = normalizer(mask_spans(example.text, spans))
                variants.update((masked.normalized, masked.folded))
            kinds = self._entity_items([e.entity for e in example.entities])
            for variant in variants:
                features = self._features(variant, words(variant))
                rows.append((*features, kinds, self._focus_items(features[0]) if self.question_focus else []))
                labels.append(example.intent)
                groups.append(number)
        if len(set(labels)) < 2:
            raise ValueError("intent classification needs at least two intents in the training data")
        chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.char_ngrams, sublinear_tf=True, min_df=self.min_df
        )
        folded_words = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        marked = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        kinds = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        focus = TfidfVectorizer(analyzer=_identity, sublinear_tf=True)
        columns = list(zip(*rows))
        blocks = [
            chars.fit_transform(columns[0]),
            folded_words.fit_transform(columns[1]),
            MARKED_SCALE * marked.fit_transform(columns[2]),
        ]
        vectorizers = [(chars, 1.0), (folded_words, 1.0), (marked, MARKED_SCALE)]
        self._with_kinds = self.entity_features and any(columns[3])
        if self._with_kinds:
            blocks.append(ENTITY_SCALE * kinds.fit_transform(columns[3]))
            vectorizers.append((kinds, ENTITY_SCALE))
        if self.question_focus:
            blocks.append(FOCUS_SCALE * focus.fit_transform(columns[4]))
            vectorizers.append((focus, FOCUS_SCALE))
        matrix = sparse.hstack(blocks, format="csr")
        label_array, group_array = np.asarray(labels), np.asarray(groups)
        held_out = {
            weighting: self._held_out_logits(matrix, label_array, group_array, weighting)
            for weighting in (["balanced", "none"] if self.class_weight == "auto" else [self.class_weight])
        }
        self.weighting = self._choose_weighting(held_out)
        model = LogisticRegression(
            C=self.C, max_iter=3000, class_weight=_sklearn_weight(self.weighting), tol=2e-3
        )
        model.fit(matrix, labels)
        self._model = LinearIntentModel.from_sklearn(vectorizers, model)
        self.temperature = self._fit_temperature(held_out[self.weighting])

    @staticmethod
    def _choose_weighting(held_out: dict[str, tuple[np.ndarray, np.ndarray] | None]) -> str:
        """The weighting whose held-out predictions are right most often ("balanced" on a tie)."""
        best, best_right = "balanced", -1.0
        for weighting, folds in held_out.items():
            right = -0.5 if folds is None else float((folds[0].argmax(axis=1) == folds[1]).mean())
            if right > best_right + 1e-9:
                best, best_right = weighting, right
        return best

    def _held_out_logits(
        self, matrix: Any, labels: np.ndarray, groups: np.ndarray, weighting: str
    ) -> tuple[np.ndarray, np.ndarray] | None:
        """Out-of-fold logits and the true label indices, from two folds of the training data.

        The logits come from models trained without those examples (the written, folded and masked
        copies are held out together). An intent with too few examples may be missing from one
        fold's training half (PhoATIS has intents of one example): that fold's model scores the
        others, and its held-out examples of the missing intent are left out. ``None`` with fewer
        than three intents.
        """
        from sklearn.linear_model import LogisticRegression

        rng = np.random.default_rng(13)
        held_ids = np.array_split(rng.permutation(np.unique(groups)), 2)
        classes = np.unique(labels)
        if len(classes) < 3:
            return None
        logits: list[np.ndarray] = []
        truth: list[np.ndarray] = []
        for ids in held_ids:
            mask = np.isin(groups, ids)
            held, train_rows = np.flatnonzero(mask), np.flatnonzero(~mask)
            present = np.unique(labels[train_rows])
            if len(present) < 3:
                continue
            model = LogisticRegression(
                C=self.C, max_iter=1000, class_weight=_sklearn_weight(weighting), tol=3e-3
            )
            model.fit(matrix[train_rows], labels[train_rows])
            known = np.isin(labels[held], model.classes_)
            scores = model.decision_function(matrix[held[known]])
            if len(model.classes_) == len(classes):
                logits.append(scores)
            else:  # the fold's model knows fewer intents: the others can never be predicted
                full = np.full((len(scores), len(classes)), -1e6)
                full[:, np.searchsorted(classes, model.classes_)] = scores
                logits.append(full)
            truth.append(np.searchsorted(classes, labels[held[known]]))
        if not logits:
            return None
        return np.vstack(logits), np.concatenate(truth)

    @staticmethod
    def _fit_temperature(held_out: tuple[np.ndarray, np.ndarray] | None) -> float:
        """The softmax temperature that minimises log-loss on the held-out folds: it corrects the
        over-confidence a model has on its own training data."""
        if held_out is None:
            return 1.0
        all_logits, all_truth = held_out
        best_t, best_loss = 1.0, float("inf")
        for t in np.linspace(0.3, 5.0, 48):
            scaled = all_logits / t
            scaled -= scaled.max(axis=1, keepdims=True)
            log_probs = scaled - np.log(np.exp(scaled).sum(axis=1, keepdims=True))
            loss = -float(log_probs[np.arange(len(all_truth)), all_truth].mean())
            if loss < best_loss:
                best_t, best_loss = float(t), loss
        return best_t

    def _masks(self, entity: str) -> bool:
        return getattr(self, "_mask_all", False) or entity in self.mask_entities

    # Inference --------------------------------------------------------------------------------
    @staticmethod
    def _entity_items(entities: list[str]) -> list[str]:
        return sorted({f"ent={entity}" for entity in entities})

    def scores(
        self, normalized: str, tokens: list[str], entities: list[str] | None = None
    ) -> list[IntentScore]:
        if self._model is None:
            return []
        chars, folded_words, marked = self._features(normalized, tokens)
        items = [char_wb_ngrams(chars, self.char_ngrams), folded_words, marked]
        if getattr(self, "_with_kinds", False):
            items.append(self._entity_items(entities or []))
        if getattr(self, "question_focus", False):
            items.append(self._focus_items(chars))
        logits = self._model.logits(items)
        logits = logits / self.temperature
        logits = logits - logits.max()
        probs = np.exp(logits) / np.exp(logits).sum()
        order = np.argsort(-probs)[: self.ranking_length]
        return [IntentScore(self._model.labels[i], float(probs[i])) for i in order]

    def process(self, message: Message) -> None:
        if not message.normalized.strip():
            return
        normalized, tokens = message.normalized, message.tokens
        spans = [(e.start, e.end) for e in message.entities if self._masks(e.entity)]
        if spans and self._normalizer is not None:
            normalized = self._normalizer(mask_spans(message.original, spans)).normalized
            tokens = words(normalized)
        ranking = self.scores(normalized, tokens or words(normalized), [e.entity for e in message.entities])
        if ranking:
            message.intent = ranking[0]
            message.intent_ranking = ranking
            message.additional_intents = self.other_questions(normalized, ranking[0].name)

    def other_questions(self, normalized: str, main_intent: str) -> list[IntentScore]:
        """Further questions in one message, each clause classified on its own and kept when it
        is confidently something else: "hồ sơ gồm gì, lệ phí bao nhiêu" → ask_fee besides
        ask_documents."""
        folded = fold(normalized)
        bounds = [0, *(m.end() for m in _CLAUSE_BREAK.finditer(folded)), len(normalized)]
        clauses = [normalized[a:b].strip(" ,?;") for a, b in pairwise(bounds)]
        clauses = [c for c in clauses if len(c.split()) >= 2]
        if len(clauses) < 2:
            return []
        found: dict[str, IntentScore] = {}
        for clause in clauses:
            top = self.scores(clause, words(clause))[0]
            if top.name != main_intent and top.confidence >= self.clause_confidence and top.name not in found:
                found[top.name] = top
        return list(found.values())
