"""Open-set recognition on the project's own data: from which score a real procedure the catalogue
does not hold is recognised (``not_held_score``), with ``min_score`` for ours as configured.

In K folds, each fold's training examples and other procedures are left out of the index.
Positives: the left-out training examples that mention a procedure (their wording was never
indexed), and ``nlu/data/test.yml``; each must resolve to its catalogue code. Negatives: the names
and aliases of the left-out other procedures, wrapped in question wording, as unknown as a real
citizen's question about a procedure nobody listed; each must be recognised as a procedure we do
not hold (the other folds' names are in the index), never as one of ours. Prints accuracy on both and their balance for a grid of thresholds, and
the best one; the chosen value goes to ``config.yml`` (``ProcedureResolver.not_held_score``).

Prints figures; asserts nothing. Run: ``python bench/open_set.py`` from the project root.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from project_inputs import project_inputs

from nlu.components.base import CatalogueEntry, TrainingContext
from nlu.components.procedure_resolver import ProcedureResolver, conclude, specific_first
from nlu.message import ProcedureCandidate
from nlu.normalize import fold
from nlu.training_data import TrainingData, load_nlu_files

FOLDS = 5
TEMPLATES = [
    "cho em hỏi {} cần giấy tờ gì", "{} làm ở đâu ạ", "thủ tục {}", "{} mất bao lâu", "muốn {} thì làm thế nào",
    "{} có mất phí không", "ad ơi {} nộp ở đâu", "hồ sơ {} gồm những gì",
]
THRESHOLDS = [round(0.05 + 0.05 * i, 2) for i in range(11)]


NOT_HELD = "not held"


def decide(ranked: list[ProcedureCandidate], threshold: float, min_score: float) -> str | None:
    """What the resolver concludes with ``min_score`` for ours and ``threshold`` for the procedures we
    do not hold: a catalogue code, ``NOT_HELD`` (a real procedure we do not hold was recognised: the
    honest decline can name it), or None (nothing recognised)."""
    ours, other = conclude(specific_first(ranked), min_score, threshold)
    if other is not None:
        return NOT_HELD
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
    inputs = project_inputs()
    settings, abbreviations, catalogue, data, others = (
        inputs.settings, inputs.abbreviations, inputs.catalogue, inputs.data, inputs.others
    )
    rng = random.Random(7)
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
    spec = next(c for c in settings.pipeline if c.get("name") == "ProcedureResolver")
    min_score = float(spec.get("min_score", 0.35))
    print(f"min_score (ours) {min_score:.2f} as configured; for the procedures we do not hold:")
    print("not_held_score  positives_right  negatives_declined  balanced")
    best = (0.0, 0.0)
    for threshold in THRESHOLDS:
        right = sum(decide(r, threshold, min_score) == code for r, code in positive_ranks) / max(len(positive_ranks), 1)
        declined = sum(decide(r, threshold, min_score) == NOT_HELD for r in negative_ranks) / max(len(negative_ranks), 1)
        balanced = (right + declined) / 2
        best = max(best, (balanced, threshold))
        print(f"{threshold:14.2f}  {right:15.3f}  {declined:18.3f}  {balanced:8.3f}")
    print(f"best not_held_score {best[1]:.2f} (balanced accuracy {best[0]:.3f})")


if __name__ == "__main__":
    main()
