"""When a procedure we do not hold and one of ours both reach their thresholds, which one a message is
about (``conclude`` / ``_beats`` in ``nlu.components.procedure_resolver``), on the project's own data.

In K folds, each fold's other procedures are left out of the index. Positives: the citizens' questions
written for each of our procedures (retrieval never reads them), each must resolve to its code.
Negatives: the left-out other procedures' names and aliases in question wording, each must be
declined, never answered with one of ours. For the rule "theirs wins on a higher score" the table
varies how much less of the message theirs may account for than ours (in ``EXPLAINED_MARGIN`` steps;
``inf`` is the rule without that condition). Prints figures; asserts nothing.
Run: ``python bench/open_set_beats.py`` from the project root.
"""

from __future__ import annotations

import math
import random
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from project_inputs import project_inputs

import nlu.components.procedure_resolver as resolver_module
from nlu.components.base import TrainingContext
from nlu.message import ProcedureCandidate

FOLDS = 5
TEMPLATES = [
    "cho em hỏi {} cần giấy tờ gì", "{} làm ở đâu ạ", "muốn {} thì làm thế nào", "{} có mất phí không",
    "ad ơi {} nộp ở đâu",
]
STEPS = [0.0, 1.0, 2.0, 3.0, 4.0, math.inf]

Rule = Callable[[ProcedureCandidate, ProcedureCandidate], bool]


def rule(steps: float) -> Rule:
    margin = resolver_module.EXPLAINED_MARGIN

    def beats(other: ProcedureCandidate, ours: ProcedureCandidate) -> bool:
        return (
            (other.score > ours.score and other.explained >= ours.explained - steps * margin)
            or (other.score >= ours.score - margin and other.explained > ours.explained)
            or (other.score >= ours.score - 2 * margin and other.explained >= ours.explained + 2 * margin)
        )

    return beats


def main() -> None:
    inputs = project_inputs()
    rng = random.Random(11)
    others, questions = inputs.others[:], inputs.questions[:]
    rng.shuffle(others)
    rng.shuffle(questions)
    spec = next(c for c in inputs.settings.pipeline if c.get("name") == "ProcedureResolver")
    options = {k: v for k, v in spec.items() if k != "name"}
    tallies = {steps: Counter() for steps in STEPS}
    configured = resolver_module._beats
    try:
        for k in range(FOLDS):
            resolver = resolver_module.ProcedureResolver(**options)
            indexed = [e for i, e in enumerate(others) if i % FOLDS != k]
            resolver.train(inputs.data, TrainingContext(inputs.abbreviations, inputs.catalogue, indexed, []))
            held = [e for i, e in enumerate(others) if i % FOLDS == k]
            negatives = [
                TEMPLATES[j % len(TEMPLATES)].format(phrase)
                for j, entry in enumerate(held) for phrase in [entry.name, *entry.aliases][:3]
            ]
            positives = [q for i, q in enumerate(questions) if i % FOLDS == k]
            rankings = [resolver_module.specific_first(resolver.ranked(t, limit=8)) for t, _ in positives]
            negative_rankings = [resolver_module.specific_first(resolver.ranked(t, limit=8)) for t in negatives]
            for steps in STEPS:
                resolver_module._beats = rule(steps)
                tally = tallies[steps]
                for every, (_, code) in zip(rankings, positives):
                    ours, other = resolver_module.conclude(every, resolver.min_score, resolver.not_held_score)
                    tally["ours right" if ours and ours.code == code else "ours wrong" if ours else "ours declined" if other else "ours unnamed"] += 1
                for every in negative_rankings:
                    ours, other = resolver_module.conclude(every, resolver.min_score, resolver.not_held_score)
                    tally["theirs answered" if ours else "theirs declined" if other else "theirs unnamed"] += 1
    finally:
        resolver_module._beats = configured
    print(f"{len(questions)} citizens' questions about ours, {sum(tallies[STEPS[0]][k] for k in ('theirs answered', 'theirs declined', 'theirs unnamed'))} "
          f"names of procedures we do not hold, {FOLDS} folds")
    print("explained_steps  ours_right  ours_wrong  ours_declined  theirs_declined  theirs_answered")
    for steps in STEPS:
        t = tallies[steps]
        print(f"{steps:15}  {t['ours right']:10d}  {t['ours wrong']:10d}  {t['ours declined']:13d}  {t['theirs declined']:15d}  {t['theirs answered']:15d}")


if __name__ == "__main__":
    main()
