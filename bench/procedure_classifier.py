"""The procedure classifier on the project's own data: how often it names the right procedure for a
message it never saw, how often it names one for a message about none or about one we do not hold,
for a grid of ``min_probability`` values; the chosen value goes to ``config.yml``.

In K folds, the held-out part of the citizens' procedure questions and of the training examples
(with and without a procedure) and of the other procedures' names is left out of training.
Prints figures; asserts nothing. Run: ``python bench/procedure_classifier.py`` from the project root.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from project_inputs import project_inputs

from nlu.components.base import TrainingContext
from nlu.components.procedure_classifier import NONE, OTHER, ProcedureClassifier
from nlu.training_data import TrainingData

FOLDS = 5
THRESHOLDS = [round(0.3 + 0.05 * i, 2) for i in range(12)]


def main() -> None:
    inputs = project_inputs()
    settings, abbreviations, catalogue, data = inputs.settings, inputs.abbreviations, inputs.catalogue, inputs.data
    others, questions = inputs.others, inputs.questions
    rng = random.Random(11)
    examples = data.examples[:]
    for items in (examples, others, questions):
        rng.shuffle(items)  # type: ignore[arg-type]
    spec = next(c for c in settings.pipeline if c.get("name") == "ProcedureClassifier")
    options = {k: v for k, v in spec.items() if k != "name"}
    outcomes: list[tuple[str, str, float]] = []  # (truth, predicted, probability)
    started = time.perf_counter()
    for k in range(FOLDS):
        train_examples = [e for i, e in enumerate(examples) if i % FOLDS != k]
        classifier = ProcedureClassifier(**options)
        classifier.train(
            TrainingData(train_examples, data.synonyms, data.regexes, data.lookups),
            TrainingContext(
                abbreviations, catalogue,
                [e for i, e in enumerate(others) if i % FOLDS != k],
                [q for i, q in enumerate(questions) if i % FOLDS != k],
            ),
        )
        held: list[tuple[str, str]] = [q for i, q in enumerate(questions) if i % FOLDS == k]
        held += [(e.name, OTHER) for i, e in enumerate(others) if i % FOLDS == k]
        for example in examples[k::FOLDS]:
            codes = [s.value for s in example.entities if s.entity == "procedure"]
            if codes:
                held.append((example.text, codes[0]))
            elif example.intent and example.intent.startswith("ask_"):
                held.append((example.text, NONE))
        for text, truth in held:
            probs = classifier.probabilities(text)
            best = max(probs, key=lambda label: probs[label])
            outcomes.append((truth, best, probs[best]))
    seconds = time.perf_counter() - started
    positives = [o for o in outcomes if o[0] not in (OTHER, NONE)]
    negatives = [o for o in outcomes if o[0] in (OTHER, NONE)]
    print(f"held out: {len(positives)} messages about a catalogue procedure ({len(questions)} citizens' questions in all), "
          f"{len(negatives)} about none or one we do not hold; {FOLDS} folds in {seconds:.0f} s")
    print("min_probability  named_right  named_wrong  negatives_named  balanced")
    best_threshold = (0.0, 0.0)
    for threshold in THRESHOLDS:
        right = sum(p == t and q >= threshold for t, p, q in positives) / max(len(positives), 1)
        wrong = sum(p != t and p not in (OTHER, NONE) and q >= threshold for t, p, q in positives) / max(len(positives), 1)
        named = sum(p not in (OTHER, NONE) and q >= threshold for _, p, q in negatives) / max(len(negatives), 1)
        # A wrong name is worse than none: it is counted against, as a negative named.
        balanced = (right - wrong + 1 - named) / 2
        best_threshold = max(best_threshold, (balanced, threshold))
        print(f"{threshold:15.2f}  {right:11.3f}  {wrong:11.3f}  {named:15.3f}  {balanced:8.3f}")
    print(f"best min_probability {best_threshold[1]:.2f}")


if __name__ == "__main__":
    main()
