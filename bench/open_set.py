"""Open-set recognition on the project's own data: which ``min_score`` separates questions about
catalogue procedures from questions about real procedures the catalogue does not hold.

In K folds, each fold's training examples and other procedures are left out of the index.
Positives: the left-out training examples that mention a procedure (their wording was never
indexed), and ``nlu/data/test.yml``; each must resolve to its catalogue code. Negatives: the names
and aliases of the left-out other procedures, wrapped in question wording, as unknown as a real
citizen's question about a procedure nobody listed; each must not resolve to any catalogue procedure. Prints accuracy on both and their balance for a grid of thresholds, and
the best one; the chosen value goes to ``config.yml`` (``ProcedureResolver.min_score``).

Prints figures; asserts nothing. Run: ``python bench/open_set.py`` from the project root.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.service import ABBREVIATIONS_FILE  # noqa: E402
from bot.settings import load_settings  # noqa: E402
from knowledge.catalogue import as_catalogue_entry  # noqa: E402
from knowledge.loader import load_catalogue_dir  # noqa: E402
from nlu.components.base import CatalogueEntry, TrainingContext  # noqa: E402
from nlu.components.procedure_resolver import ProcedureResolver, _beats, specific_first  # noqa: E402
from nlu.message import ProcedureCandidate  # noqa: E402
from nlu.normalize import Abbreviations, fold  # noqa: E402
from nlu.other_procedures import is_other, load_other_procedures  # noqa: E402
from nlu.training_data import TrainingData, load_nlu_files  # noqa: E402

FOLDS = 5
TEMPLATES = [
    "cho em hỏi {} cần giấy tờ gì", "{} làm ở đâu ạ", "thủ tục {}", "{} mất bao lâu", "muốn {} thì làm thế nào",
    "{} có mất phí không", "ad ơi {} nộp ở đâu", "hồ sơ {} gồm những gì",
]
THRESHOLDS = [round(0.30 + 0.05 * i, 2) for i in range(9)]


def decide(ranked: list[ProcedureCandidate], threshold: float) -> str | None:
    """The catalogue code the resolver would extract at ``threshold`` (None: declined or nothing)."""
    every = specific_first(ranked)
    ours = next((c for c in every if not is_other(c.code)), None)
    other = next((c for c in every if is_other(c.code)), None)
    if ours is not None and ours.score < threshold:
        ours = None
    if other is not None and other.score >= threshold and (ours is None or _beats(other, ours)):
        return None
    return ours.code if ours else None


def questions(entry: CatalogueEntry, rng: random.Random) -> list[str]:
    names = [entry.name, *entry.aliases]
    out = []
    for name in names:
        words = name.split()
        if len(words) > 8:  # citizens say the head of a long official name
            name = " ".join(words[: rng.randint(4, 8)])
        text = rng.choice(TEMPLATES).format(name.lower())
        out.append(fold(text) if rng.random() < 0.5 else text)
    return out


def main() -> None:
    settings = load_settings()
    rng = random.Random(7)
    abbreviations = Abbreviations.from_file(settings.path(ABBREVIATIONS_FILE))
    catalogue = [as_catalogue_entry(r) for r in load_catalogue_dir(settings.path(settings.catalogue_data))]
    data = load_nlu_files([settings.path(p) for p in settings.nlu_data])
    others = load_other_procedures([settings.path(p) for p in settings.other_procedures])
    tests = load_nlu_files([settings.path("nlu/data/test.yml")]).examples
    positives = [
        (e.text, span.value) for e in tests for span in e.entities if span.entity == "procedure"
    ]

    def resolver_for(examples: list, held_in: list[CatalogueEntry]) -> ProcedureResolver:  # type: ignore[type-arg]
        resolver = ProcedureResolver(min_score=0.0)
        fold_data = TrainingData(examples, data.synonyms, data.regexes, data.lookups)
        resolver.train(fold_data, TrainingContext(abbreviations, catalogue, held_in))
        return resolver

    full = resolver_for(data.examples, others)
    positive_ranks = [(full.ranked(text, limit=8), code) for text, code in positives]
    examples = data.examples[:]
    rng.shuffle(examples)
    shuffled = others[:]
    rng.shuffle(shuffled)
    negative_ranks: list[list[ProcedureCandidate]] = []
    for k in range(FOLDS):
        held_out = shuffled[k::FOLDS]
        out_codes = {e.code for e in held_out}
        left_out = examples[k::FOLDS]
        resolver = resolver_for(
            [e for i, e in enumerate(examples) if i % FOLDS != k], [e for e in shuffled if e.code not in out_codes]
        )
        for entry in held_out:
            negative_ranks += [resolver.ranked(q, limit=8) for q in questions(entry, rng)]
        for example in left_out:
            for span in example.entities:
                if span.entity == "procedure":
                    positive_ranks.append((resolver.ranked(example.text, limit=8), span.value))

    print(f"positives {len(positive_ranks)} (left-out training mentions and test.yml), negatives {len(negative_ranks)} "
          f"({len(others)} other procedures, {FOLDS} folds)")
    print("min_score  positives_right  negatives_declined  balanced")
    best = (0.0, 0.0)
    for threshold in THRESHOLDS:
        right = sum(decide(r, threshold) == code for r, code in positive_ranks) / max(len(positive_ranks), 1)
        declined = sum(decide(r, threshold) is None for r in negative_ranks) / max(len(negative_ranks), 1)
        balanced = (right + declined) / 2
        best = max(best, (balanced, threshold))
        print(f"{threshold:9.2f}  {right:15.3f}  {declined:18.3f}  {balanced:8.3f}")
    print(f"best min_score {best[1]:.2f} (balanced accuracy {best[0]:.3f})")


if __name__ == "__main__":
    main()
