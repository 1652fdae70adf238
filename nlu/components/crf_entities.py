"""A conditional random field that owns the entities whose label depends on context.

It is what lets dvcbot train on any Rasa NLU data set: a dictionary only finds values it has seen
and cannot tell "từ [Hà Nội]" (origin) from "về [Hà Nội]" (destination); the CRF reads the words
around a phrase. Tokens are syllables and punctuation with BIO tags; the features
(``nlu.components.sequence_features``) are the word with and without diacritics, shape, affixes, a
window of three each side, and the dictionary's and the regexes' hits as evidence.

Rasa entity roles and groups (``[Hà Nội]{"entity": "province", "role": "from"}``) are part of the
tag, so one model learns the entity and its role together and returns both. With ``role_model:
span`` the CRF tags entity types only and ``span_roles.SpanRoleModel`` gives each tagged span its
role from the whole sentence (a role is often decided far from its span: "hạ cánh" five words back,
or "the second city of 'giữa X và Y'"); with many roles (a flight set's origin, destination, stop;
departure, arrival, return) it is also fewer tags, so a faster CRF. ``outer_context: K`` adds the
K nearest words each side outside the dictionary's phrases to the CRF's features.

In training, the dictionary's evidence is hidden for a share of the phrases (``lexicon_dropout``,
chosen by a hash, so training is repeatable): otherwise every training entity would be in the
dictionary, the model would learn to trust it alone, and it would miss every value it never saw.

Entities owned by another extractor (regexes, the procedure resolver) are left out. Where the
dictionary (``LookupEntityExtractor``) claimed a span, the CRF replaces it when it reads another
entity type there, and adds the role it reads when it agrees on the type. An entity whose
annotations name codes (``[trẻ em]{"entity": "field", "value": "tre_em"}``) is *closed*: the CRF
gives it only for a phrase whose code it knows, never a bare surface the bot cannot use.
With ``lookup_spans: crf`` (for a data set whose every entity depends on its context, as a flight
set's) the CRF's reading is final for the entity types it learned: a dictionary hit it reads as no
entity there is dropped, and its bounds replace the dictionary's ("8 giờ 38 phút sáng", not the
"8 giờ" the dictionary knew); ``bounds`` only does the latter. The dictionary stays in its features.
"""

from __future__ import annotations

import dataclasses
import os
import re
import tempfile
import zlib
from collections import Counter
from typing import Any, ClassVar

import pycrfsuite

from nlu.components.base import TrainingContext
from nlu.components.phrase_lexicon import PhraseLexicon, PhraseMatch, phrase_key
from nlu.components.sequence_features import Token, featurize, tokens
from nlu.components.span_roles import NO_ROLE, SpanRoleModel, span_features
from nlu.message import Entity, Message
from nlu.normalize import fold
from nlu.training_data import EntitySpan, Example, TrainingData

__all__ = ["CRFEntityExtractor"]

_SKIP = ("procedure", "dossier_code", "id_number", "phone_number")
_SEP = "\x1f"  # between entity, role and group inside a tag: entity names may hold "." or "#"
_YIELDS_TO_CRF = "LookupEntityExtractor"
# crfsuite's trainers. L-BFGS runs forward-backward over every sentence in each of its ~100
# iterations, at a cost of tokens × tags² each: seconds for the project's five tags, minutes for a
# flight-booking set's 160. The averaged perceptron ("ap") makes one Viterbi pass an epoch: on the
# synthetic flight set of bench/entities.py (4,478 examples, 49 tags) it trained in 8.8 s of CPU
# against 64 s for L-BFGS, at the same F1 there. "auto" takes L-BFGS while tokens × tags² stays
# under _LBFGS_BUDGET, the perceptron beyond. 30 perceptron epochs rather than 10: on held-out folds
# of the PhoATIS training split (135 tags) entity F1 91.5 → 92.1, about 1 s of CPU an epoch there.
_ALGORITHMS = {"auto", "lbfgs", "l2sgd", "ap", "pa", "arow"}
_LBFGS_BUDGET = 5e7
_DEFAULT_ITERATIONS = {"lbfgs": 120, "l2sgd": 30, "ap": 30, "pa": 30, "arow": 30}
# L-BFGS and SGD fit a probabilistic model, whose marginals are probabilities: a span below
# ``min_confidence`` is a guess. The perceptron-style trainers fit scores; the marginals computed from
# them are not calibrated, so no threshold is applied to their spans (on held-out PhoATIS training
# folds, thresholding them at 0.3 only lost recall).
_PROBABILISTIC = {"lbfgs", "l2sgd"}


def _tag_label(span: EntitySpan) -> str:
    return _SEP.join([span.entity, span.role or "", span.group or ""])


def _untag_label(label: str) -> tuple[str, str | None, str | None]:
    entity, role, group = (label.split(_SEP) + ["", ""])[:3]
    return entity, role or None, group or None


class CRFEntityExtractor:
    name: ClassVar[str] = "CRFEntityExtractor"

    def __init__(
        self,
        skip_entities: list[str] | None = None,
        c1: float = 0.05,
        c2: float = 0.01,
        max_iterations: int | None = None,
        min_confidence: float = 0.3,
        lexicon_dropout: float = 0.5,
        algorithm: str = "auto",
        wide_context: bool = False,
        outer_context: int = 0,
        role_model: str = "tag",
        role_sequence: bool = False,
        lookup_spans: str = "keep",
        **options: Any,
    ) -> None:
        if role_model not in ("tag", "span"):
            raise ValueError(f"CRFEntityExtractor role_model must be 'tag' or 'span', not {role_model!r}")
        # "tag": roles and groups are part of the CRF's tags; "span": the CRF tags entity types and
        # a linear model over each span and the whole sentence gives the role (``span_roles``).
        self.role_model = role_model
        # with role_model "span": read the spans' roles left to right, each span seeing the roles
        # before it and the sentence's words outside the spans (``span_features`` ``roles``)
        self.role_sequence = bool(role_sequence)
        if lookup_spans not in ("keep", "bounds", "crf"):
            raise ValueError(
                f"CRFEntityExtractor lookup_spans must be 'keep', 'bounds' or 'crf', not {lookup_spans!r}"
            )
        # "keep": the dictionary's spans stand where the CRF reads nothing, and keep their bounds
        # where it reads the same type; "crf": for the entity types the CRF learned, its spans are
        # the answer and the dictionary is only evidence (its features), so a dictionary hit the
        # CRF reads as no entity in this context is dropped and the CRF's bounds win
        self.lookup_spans = lookup_spans
        self._roles: SpanRoleModel | None = None
        self.wide_context = bool(wide_context)
        self.outer_context = int(outer_context)
        if algorithm not in _ALGORITHMS:
            raise ValueError(
                f"CRFEntityExtractor algorithm must be one of {sorted(_ALGORITHMS)}, not {algorithm!r}"
            )
        self.algorithm = algorithm
        self._skip = set(skip_entities if skip_entities is not None else _SKIP)
        self.c1, self.c2 = float(c1), float(c2)
        self.max_iterations = None if max_iterations is None else int(max_iterations)
        self.min_confidence, self.lexicon_dropout = float(min_confidence), float(lexicon_dropout)
        self._model: bytes | None = None
        self._lexicon = PhraseLexicon()
        self._regexes: list[tuple[str, re.Pattern[str]]] = []
        self._synonyms: dict[str, str] = {}
        self._values: dict[str, set[str]] = {}  # entity -> the values annotated on it
        self._closed: set[str] = set()  # entities whose annotations (nearly) all name a code
        self._tagger: pycrfsuite.Tagger | None = None
        self._trained_with = "lbfgs"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_tagger"] = None  # a C object; reopened from the model bytes
        return state

    def _features(self, toks: list[Token], text: str, phrases: list[PhraseMatch]) -> list[list[str]]:
        return featurize(
            toks,
            phrases,
            self._regexes,
            text,
            getattr(self, "wide_context", False),
            getattr(self, "outer_context", 0),
        )

    def _training_phrases(self, index: int, text: str) -> list[PhraseMatch]:
        """The dictionary's phrases in a training sentence, a share of them hidden."""
        kept = []
        for match in self._lexicon.matches(fold(text)):
            draw = zlib.crc32(f"{index}:{match.start}:{match.key}".encode()) / 0xFFFFFFFF
            if draw >= self.lexicon_dropout:
                kept.append(match)
        return kept

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self._model, self._tagger, self._roles = None, None, None
        self._synonyms = {fold(k): v for k, v in data.synonyms.items()}
        self._regexes = []
        for entity, patterns in data.regexes.items():
            for pattern in patterns:
                try:
                    self._regexes.append((entity, re.compile(pattern)))
                except re.error:
                    continue  # a pattern in another dialect is skipped, not fatal
        self._lexicon = PhraseLexicon.learn(data, self._skip)
        self._learn_values(data)
        examples = [e for e in data.examples if e.text.strip()]
        if not any(s.entity not in self._skip for e in examples for s in e.entities):
            return
        trainer = pycrfsuite.Trainer(verbose=False)
        token_count, tag_set = 0, set()
        for index, example in enumerate(examples):
            toks = tokens(example.text)
            if toks:
                tags = self._tags(example, toks)
                trainer.append(
                    self._features(toks, example.text, self._training_phrases(index, example.text)), tags
                )
                token_count += len(tags)
                tag_set.update(tags)
        if self._roles_apart():
            self._roles = SpanRoleModel.fit(self._role_rows(examples))
        algorithm = self._algorithm_for(token_count, len(tag_set))
        self._trained_with = algorithm
        trainer.select(algorithm)
        params: dict[str, Any] = {
            "max_iterations": self.max_iterations or _DEFAULT_ITERATIONS[algorithm],
            "feature.possible_transitions": True,
        }
        if algorithm == "lbfgs":
            params.update(c1=self.c1, c2=self.c2)
        elif algorithm == "l2sgd":
            params.update(c2=self.c2)
        trainer.set_params(params)
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "crf.model")
            trainer.train(path)
            with open(path, "rb") as handle:
                self._model = handle.read()

    def _roles_apart(self) -> bool:
        return getattr(self, "role_model", "tag") == "span"

    def _role_rows(self, examples: list[Example]) -> list[tuple[list[str], str, str]]:
        rows = []
        for example in examples:
            toks = tokens(example.text)
            spans = self._token_spans(example, toks)
            words = [fold(t.text) for t in toks]
            typed = [(first, last, span.entity) for first, last, span in spans]
            labels = [
                _SEP.join([span.role or "", span.group or ""]) if span.role or span.group else NO_ROLE
                for _, _, span in spans
            ]
            history = labels if getattr(self, "role_sequence", False) else None
            for index, (_, _, span) in enumerate(spans):
                rows.append((span_features(words, typed, index, history), span.entity, labels[index]))
        return rows

    def _token_spans(self, example: Example, toks: list[Token]) -> list[tuple[int, int, EntitySpan]]:
        out = []
        for span in example.entities:
            if span.entity in self._skip:
                continue
            inside = [i for i, t in enumerate(toks) if t.start >= span.start and t.end <= span.end]
            if inside:
                out.append((inside[0], inside[-1], span))
        out.sort(key=lambda item: item[0])
        kept: list[tuple[int, int, EntitySpan]] = []
        for item in out:
            if not kept or item[0] > kept[-1][1]:
                kept.append(item)
        return kept

    def _algorithm_for(self, token_count: int, tag_count: int) -> str:
        if self.algorithm != "auto":
            return self.algorithm
        return "lbfgs" if token_count * tag_count**2 <= _LBFGS_BUDGET else "ap"

    def _learn_values(self, data: TrainingData) -> None:
        coded: Counter[str] = Counter()
        annotated: Counter[str] = Counter()
        self._values = {}
        for example in data.examples:
            for span in example.entities:
                if span.entity in self._skip:
                    continue
                self._values.setdefault(span.entity, set()).add(span.value)
                annotated[span.entity] += 1
                coded[span.entity] += span.value != span.text
        self._closed = {entity for entity, n in annotated.items() if coded[entity] >= 0.9 * n}

    def _value(self, surface: str, entity: str) -> str | None:
        """The value of a tagged phrase: the one annotated on it for this entity, a synonym, the
        phrase itself; for a closed entity only a known code, else ``None``."""
        known = self._lexicon.value(phrase_key(surface), entity)
        if known is not None:
            return known
        synonym = self._synonyms.get(fold(surface))
        if entity in self._closed:
            return synonym if synonym in self._values.get(entity, ()) else None
        return synonym if synonym is not None else surface

    def _known_inside(self, text: str, start: int, end: int, entity: str) -> tuple[int, int, str] | None:
        """The longest phrase inside a tagged span that the dictionary knows as this entity, with
        its value: the CRF read a field in "liên quan đến trẻ em", the dictionary knows "trẻ em"."""
        inside = [
            m
            for m in self._lexicon.matches(fold(text[start:end]))
            if any(lab == entity for lab, _ in m.shares)
        ]
        if not inside:
            return None
        best = max(inside, key=lambda m: m.end - m.start)
        value = self._lexicon.value(best.key, entity)
        return (start + best.start, start + best.end, value) if value is not None else None

    def _tags(self, example: Example, toks: list[Token]) -> list[str]:
        tags = ["O"] * len(toks)
        for span in example.entities:
            if span.entity in self._skip:
                continue
            inside = [i for i, t in enumerate(toks) if t.start >= span.start and t.end <= span.end]
            label = _SEP.join([span.entity, "", ""]) if self._roles_apart() else _tag_label(span)
            for n, i in enumerate(inside):
                tags[i] = ("B-" if n == 0 else "I-") + label
        return tags

    def _open(self) -> pycrfsuite.Tagger | None:
        if self._tagger is None and self._model is not None:
            tagger = pycrfsuite.Tagger()
            handle, path = tempfile.mkstemp(suffix=".crf")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(self._model)
                tagger.open(path)  # crfsuite reads the whole model at open
            finally:
                os.unlink(path)
            self._tagger = tagger
        return self._tagger

    def process(self, message: Message) -> None:
        tagger = self._open()
        text = message.original or message.text
        toks = tokens(text)
        if tagger is None or not toks:
            return
        tags = tagger.tag(self._features(toks, text, self._lexicon.matches(fold(text))))
        threshold = self.min_confidence if getattr(self, "_trained_with", "lbfgs") in _PROBABILISTIC else 0.0
        found: list[tuple[int, int, str, float]] = []
        i = 0
        while i < len(tags):
            if not tags[i].startswith("B-") and not tags[i].startswith("I-"):
                i += 1
                continue
            label = tags[i][2:]  # a stray I- opens a span too, as in the conlleval scoring
            j = i + 1
            while j < len(tags) and tags[j] == f"I-{label}":
                j += 1
            confidence = min(tagger.marginal(tags[k], k) for k in range(i, j))
            if confidence >= threshold:
                found.append((i, j - 1, label, confidence))
            i = j
        roles = getattr(self, "_roles", None)
        if roles is not None:
            found = self._with_roles(roles, toks, found, getattr(self, "role_sequence", False))
        if getattr(self, "lookup_spans", "keep") == "crf":
            learned = getattr(self, "_values", {})
            message.entities = [
                e for e in message.entities if not (e.extractor == _YIELDS_TO_CRF and e.entity in learned)
            ]
        for first, last, label, confidence in found:
            self._claim(message, label, toks[first].start, toks[last].end, confidence)

    @staticmethod
    def _with_roles(
        roles: SpanRoleModel,
        toks: list[Token],
        found: list[tuple[int, int, str, float]],
        sequence: bool = False,
    ) -> list[tuple[int, int, str, float]]:
        """The CRF's typed spans with the role and group the span model reads for each (left to
        right, each seeing the roles given before it, with ``sequence``)."""
        words = [fold(t.text) for t in toks]
        typed = [(first, last, _untag_label(label)[0]) for first, last, label, _ in found]
        out = []
        given: list[str] = []
        for index, (first, last, _, confidence) in enumerate(found):
            entity = typed[index][2]
            role_label, _ = roles.role(span_features(words, typed, index, given if sequence else None), entity)
            given.append(role_label)
            out.append((first, last, f"{entity}{_SEP}{role_label}" if role_label else entity, confidence))
        return out

    def _claim(self, message: Message, label: str, start: int, end: int, confidence: float) -> None:
        """Adds the span unless another extractor owns it; a dictionary guess of another type there
        gives way, one of the same type keeps its span and value and takes the role read here."""
        overlapping = [e for e in message.entities if start < e.end and e.start < end]
        if any(e.extractor != _YIELDS_TO_CRF for e in overlapping):
            return
        entity, role, group = _untag_label(label)
        agreeing = [e for e in overlapping if e.entity == entity]
        crf_bounds = getattr(self, "lookup_spans", "keep") != "keep"
        if agreeing and not (crf_bounds and any((e.start, e.end) != (start, end) for e in agreeing)):
            message.entities = [
                dataclasses.replace(e, role=role, group=group) if e in agreeing else e
                for e in message.entities
            ]
            return
        text = message.original or message.text
        value = self._value(text[start:end], entity)
        if value is None:
            known = self._known_inside(text, start, end, entity)
            if known is None:
                return
            start, end, value = known
        message.entities = [e for e in message.entities if e not in overlapping]
        message.entities.append(Entity(entity, value, start, end, confidence, self.name, role, group))
