"""Open-set recognition in follow-ups, on the project's own data: from which score a real procedure
the catalogue does not hold, named in a follow-up ("thế còn khai tử thì sao" after a work-permit
answer), is recognised (``ProcedureResolver.followup_not_held_score``), with ``min_score`` for ours and
``not_held_score`` for a first message as configured.

The follow-up part of ``bench/open_set.py``, rebuilt with clean positives: the earlier attempt took
the training examples that name no procedure as follow-ups, and some of them ask about other
ministries' procedures without an annotation ("đăng ký kết hôn cần hồ sơ gì"), so declining them
counted as a loss.

Positives (must not be declined; the procedure in context is known):
- the question-level facts' ``asks`` of every catalogue entry ("gọi 111 có mất tiền không"): written
  for that entry, never indexed by the resolver;
- citizens' messages about one procedure each (``procedure_questions``), as follow-ups to it.
Negatives (must be declined as a procedure we do not hold): the names and aliases of the real
procedures of ``other_procedures:`` (other ministries', the 532 national-portal names of
``../shared/data/``, this sector's uncurated ones), phrased as follow-ups ("còn {name} thì sao"),
half without diacritics. In K folds, each fold's procedures are left out of the index, so a name is
as unknown as a real citizen's wording of a procedure nobody listed (the other folds' names stay).
A second table keeps every name in the index: the listed names as citizens shorten them.

The decision is the resolver's own: recognised as in a first message, or else
``ProcedureResolver.followup_not_held`` (the match explains the message and its words are its subject,
not question wording), followed by the
dialogue's check that the user's words still read as a name (``bot.slots.quotable_mention``): a
fragment of one word keeps the procedure in context. Prints the share of positives kept and of
negatives declined for a grid of thresholds, and the best balance on the fold table; the chosen value
goes to ``config.yml``. Prints figures; asserts nothing. Run: ``python bench/followup_open_set.py``.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from project_inputs import project_inputs

from bot.slots import clean_mention
from knowledge.loader import load_catalogue_dir
from nlu.components.base import CatalogueEntry, TrainingContext
from nlu.components.procedure_resolver import ProcedureResolver, conclude, specific_first
from nlu.message import Message, ProcedureCandidate
from nlu.normalize import fold
from nlu.training_data import TrainingData

FOLDS = 5
QUESTIONS_SAMPLE = 1200  # of the ~3,600 citizens' messages, for time
TEMPLATES = [
    "thế còn {} thì sao", "còn {} thì sao ạ", "còn {}?", "vậy {} thì thế nào", "{} thì sao", "thế {} thì làm ở đâu",
    "còn {} cần gì", "vậy nếu {} thì sao", "{} thì làm thế nào ạ", "thế còn vụ {} nữa", "{} nữa thì sao ad",
    "cho hỏi thêm {} với", "à còn {} thì làm sao", "{} có làm được không",
]
THRESHOLDS = [round(0.10 + 0.05 * i, 2) for i in range(10)]
NOT_HELD = "not held"
Ranked = tuple[ProcedureResolver, str, list[ProcedureCandidate]]  # the resolver, the message, its candidates


def declined(resolver: ProcedureResolver, text: str, ranked: list[ProcedureCandidate], threshold: float) -> bool:
    """Whether the follow-up ``text`` is declined as a procedure we do not hold: recognised as in a first
    message (``not_held_score``), or else as a follow-up at ``threshold``."""
    every = specific_first(ranked)
    _, other = conclude(every, resolver.min_score, resolver.not_held_score)
    if other is None:
        resolver.followup_not_held_score = threshold
        other = resolver.followup_not_held(Message(text, original=text), every)
    if other is None:
        return False
    return clean_mention(text[other.start : other.end]) is not None


def followups(entry: CatalogueEntry, rng: random.Random) -> list[str]:
    """The entry's aliases and the head of its name, each in one follow-up wording."""
    names = [*entry.aliases]
    words = entry.name.split()
    names.append(" ".join(words[: rng.randint(3, 6)]) if len(words) > 6 else entry.name)
    out = []
    for name in names:
        text = rng.choice(TEMPLATES).format(name.lower())
        out.append(fold(text) if rng.random() < 0.5 else text)
    return out


def main() -> None:
    inputs = project_inputs()
    settings, abbreviations, catalogue, data, others = (
        inputs.settings, inputs.abbreviations, inputs.catalogue, inputs.data, inputs.others
    )
    rng = random.Random(11)
    records = load_catalogue_dir(settings.path(settings.catalogue_data))
    asks = [(ask, record.code) for record in records for fact in record.facts for ask in fact.asks]
    questions = rng.sample(inputs.questions, min(QUESTIONS_SAMPLE, len(inputs.questions)))
    spec = next(c for c in settings.pipeline if c.get("name") == "ProcedureResolver")
    min_score = float(spec.get("min_score", 0.35))
    not_held_score = float(spec.get("not_held_score", min_score))

    def resolver_for(held_in: list[CatalogueEntry]) -> ProcedureResolver:
        resolver = ProcedureResolver(min_score=min_score, not_held_score=not_held_score)
        fold_data = TrainingData(data.examples, data.synonyms, data.regexes, data.lookups)
        resolver.train(fold_data, TrainingContext(abbreviations, catalogue, held_in))
        return resolver

    full = resolver_for(others)
    fact_ranks: list[Ranked] = [(full, text, full.ranked(text, limit=8)) for text, _ in asks]
    question_ranks: list[Ranked] = [(full, text, full.ranked(text, limit=8)) for text, _ in questions]
    shuffled = others[:]
    rng.shuffle(shuffled)
    unknown_ranks: list[Ranked] = []
    listed_ranks: list[Ranked] = []
    for k in range(FOLDS):
        held_out = shuffled[k::FOLDS]
        out_codes = {e.code for e in held_out}
        resolver = resolver_for([e for e in shuffled if e.code not in out_codes])
        for entry in held_out:
            texts = followups(entry, rng)
            unknown_ranks += [(resolver, t, resolver.ranked(t, limit=8)) for t in texts]
            listed_ranks += [(full, t, full.ranked(t, limit=8)) for t in texts]

    print(f"positives: {len(fact_ranks)} facts' asks, {len(question_ranks)} citizens' messages about one procedure; "
          f"negatives: {len(unknown_ranks)} follow-ups naming {len(others)} other procedures ({FOLDS} folds)")
    print(f"min_score (ours) {min_score:.2f}, not_held_score {spec.get('not_held_score')} (first messages) as configured")
    print("followup_score  facts_kept  questions_kept  unlisted_declined  listed_declined  balanced(unlisted)")
    best = (0.0, 0.0)
    for threshold in THRESHOLDS:
        def share(ranks: list[Ranked], want_declined: bool, t: float = threshold) -> float:
            hits = sum(declined(res, text, r, t) == want_declined for res, text, r in ranks)
            return hits / max(len(ranks), 1)

        facts_kept, questions_kept = share(fact_ranks, False), share(question_ranks, False)
        unlisted, listed = share(unknown_ranks, True), share(listed_ranks, True)
        kept = (facts_kept * len(fact_ranks) + questions_kept * len(question_ranks)) / (len(fact_ranks) + len(question_ranks))
        balanced = (kept + unlisted) / 2
        best = max(best, (balanced, threshold))
        print(f"{threshold:14.2f}  {facts_kept:10.3f}  {questions_kept:14.3f}  {unlisted:17.3f}  {listed:15.3f}  {balanced:8.3f}")
    print(f"best followup_not_held_score {best[1]:.2f} (balanced accuracy {best[0]:.3f})")


if __name__ == "__main__":
    main()
