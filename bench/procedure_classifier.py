"""The procedure classifier on the project's own data: how often it names the right procedure for a
message it never saw, how often it names one for a message about none or about one we do not hold,
for a grid of ``min_probability`` values (for all messages, then for long ones alone: stories of
``LONG_WORDS`` words or more; the negatives include citizens' messages about procedures we do not
hold, never learnt); the chosen value goes to ``config.yml``. Then, for the
held-out citizens' questions that retrieval resolves to one procedure, how often switching to a
close sibling that the classifier prefers makes the answer right, for a grid of ``switch_probability``.
Last, for held-out messages that retrieval resolves to one of ours — citizens' questions, and the
names and aliases of other procedures retrieval was not given — how often a veto ("reads as a
procedure we do not hold") loses one of ours and declines one of theirs, for ``veto_probability``.
Last, for held-out questions retrieval finds a tie for ("which one?"), how often settling it on the
classifier's choice among the tied ones is right or wrong, by its probability and by how many times
likelier it is than the next tied one (``settle_probability``, ``settle_ratio``).
Last, for held-out messages that retrieval takes for a procedure we do not hold — citizens' questions
about ours it misreads, and the names and aliases of other procedures that the classifier was not
given (retrieval holds every name, as it does in service) — how often rescuing one of ours from the
decline on the classifier's word is right or wrong (``rescue_probability``); and the same when
the classifier's choice, ranked by retrieval too, explains more of the message than theirs, which
won on its name's fit alone (``keep_ours_probability``).
Retrieval is refitted per fold without that fold's other procedures (but for the rescue table); it
never reads the questions.

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
from nlu.components.procedure_resolver import OFFER_EXPLAINED, ProcedureResolver, conclude, specific_first
from nlu.other_procedures import is_other
from nlu.training_data import TrainingData

FOLDS = 5
THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(14)]
LONG_WORDS = 25  # a story: the second min_probability table counts these alone
SWITCH_THRESHOLDS = [round(0.2 + 0.05 * i, 2) for i in range(11)]


def main() -> None:
    inputs = project_inputs()
    settings, abbreviations, catalogue, data = inputs.settings, inputs.abbreviations, inputs.catalogue, inputs.data
    others, questions, other_questions = inputs.others, inputs.questions, inputs.other_questions
    rng = random.Random(11)
    examples = data.examples[:]
    for items in (examples, others, questions, other_questions):
        rng.shuffle(items)  # type: ignore[arg-type]
    spec = next(c for c in settings.pipeline if c.get("name") == "ProcedureClassifier")
    options = {k: v for k, v in spec.items() if k != "name"}
    outcomes: list[tuple[str, str, float, int]] = []  # (truth, predicted, probability, words)
    # For a held-out question retrieval resolved: (truth, retrieval's pick, its probability,
    # the best close sibling by probability, that probability).
    switches: list[tuple[str, str, float, str | None, float]] = []
    # For a held-out message retrieval resolved to one of ours: (truth, ours, the classifier's
    # probability of "not held", of ours); truth OTHER for an unlisted other procedure's phrase.
    vetoes: list[tuple[str, str, float, float]] = []
    # For a held-out question retrieval ties: (truth, the likeliest tied one, its probability, the next
    # tied one's, whether it is the likeliest of all).
    ties: list[tuple[str, str, float, float, bool]] = []
    # For those ties whose likeliest label of all is none of the tied procedures: (truth, that label, its
    # probability, the likeliest tied one's, whether the truth is among the tied).
    outside: list[tuple[str, str, float, float, bool]] = []
    # For a held-out message retrieval (holding every other procedure) declines: (truth, the
    # classifier's likeliest label, its probability, whether retrieval ranks that one of ours too,
    # whether retrieval's best of ours reached ``min_score`` on its own and is that label, whether
    # retrieval ranked that label too and it explains more of the message than theirs).
    rescues: list[tuple[str, str, float, bool, bool, bool]] = []
    resolver_spec = next(c for c in settings.pipeline if c.get("name") == "ProcedureResolver")
    resolver_options = {k: v for k, v in resolver_spec.items() if k != "name"}
    started = time.perf_counter()
    every_name = ProcedureResolver(**resolver_options)
    every_name.train(data, TrainingContext(abbreviations, catalogue, others, []))
    for k in range(FOLDS):
        train_examples = [e for i, e in enumerate(examples) if i % FOLDS != k]
        train_others = [e for i, e in enumerate(others) if i % FOLDS != k]
        classifier = ProcedureClassifier(**options)
        classifier.train(
            TrainingData(train_examples, data.synonyms, data.regexes, data.lookups),
            TrainingContext(abbreviations, catalogue, train_others, [q for i, q in enumerate(questions) if i % FOLDS != k]),
        )
        resolver = ProcedureResolver(**resolver_options)
        resolver.train(data, TrainingContext(abbreviations, catalogue, train_others, []))
        held_questions = [q for i, q in enumerate(questions) if i % FOLDS == k]
        held_others = [e for i, e in enumerate(others) if i % FOLDS == k]
        held: list[tuple[str, str]] = held_questions + [(e.name, OTHER) for e in held_others]
        # Citizens' messages about procedures we do not hold, never learnt: long stories among the negatives.
        held += [(q, OTHER) for i, q in enumerate(other_questions) if i % FOLDS == k]
        for example in examples[k::FOLDS]:
            codes = [s.value for s in example.entities if s.entity == "procedure"]
            if codes:
                held.append((example.text, codes[0]))
            elif example.intent and example.intent.startswith("ask_"):
                held.append((example.text, NONE))
        for text, truth in held:
            probs = classifier.probabilities(text)
            best = max(probs, key=lambda label: probs[label])
            outcomes.append((truth, best, probs[best], len(text.split())))
        unlisted = [(phrase, OTHER) for e in held_others for phrase in (e.name, *e.aliases)]
        # Questions of the training data that name none of ours ("đăng ký khai tử cần gì"): a decline
        # retrieval makes for them is right, keeping one of ours for them is not.
        about_none = [(text, truth) for text, truth in held if truth == NONE]
        for text, truth in held_questions + unlisted + about_none:
            every = specific_first(every_name.ranked(text, limit=8))
            ours, other = conclude(every, every_name.min_score, every_name.not_held_score)
            if other is not None:
                probs = classifier.probabilities(text)
                best = max(probs, key=lambda label: probs[label])
                ranked_too = any(c.code == best and c.score >= classifier.offer_score for c in every)
                contested = next(
                    (c for c in every if not is_other(c.code) and c.score >= every_name.min_score and c.explained >= OFFER_EXPLAINED),
                    None,
                )
                held_too = contested is not None and contested.code == best
                chosen = next((c for c in every[:8] if c.code == best), None)
                explains_more = chosen is not None and chosen.explained > other.explained
                fits_better = chosen is not None and chosen.score > other.score and not explains_more
                rescues.append((truth, best, probs[best], ranked_too, held_too, explains_more, fits_better))
            every = specific_first(resolver.ranked(text, limit=8))
            ours, _ = conclude(every, resolver.min_score, resolver.not_held_score)
            if ours is None:
                continue
            probs = classifier.probabilities(text)
            vetoes.append((truth, ours.code, probs.get(OTHER, 0.0), probs.get(ours.code, 0.0)))
            ranked = [c for c in every if not is_other(c.code)][:5]
            if truth != OTHER and resolver.is_ambiguous(ranked):
                tied = sorted(
                    (c.code for c in ranked if ranked[0].score - c.score < resolver.ambiguity_margin),
                    key=lambda code: -probs.get(code, 0.0),
                )
                best = max(probs, key=lambda label: probs[label])
                second = probs.get(tied[1], 0.0) if len(tied) > 1 else 0.0
                ties.append((truth, tied[0], probs.get(tied[0], 0.0), second, best == tied[0]))
                if best not in tied and best not in (OTHER, NONE):
                    outside.append((truth, best, probs[best], probs.get(tied[0], 0.0), truth in tied))
            if truth == OTHER:
                continue
            close = [c.code for c in every if c.score >= classifier.offer_score and c.code != ours.code]
            sibling = max(close, key=lambda code: probs.get(code, 0.0), default=None)
            switches.append((truth, ours.code, probs.get(ours.code, 0.0), sibling, probs.get(sibling, 0.0) if sibling else 0.0))
    seconds = time.perf_counter() - started
    positives = [o for o in outcomes if o[0] not in (OTHER, NONE)]
    negatives = [o for o in outcomes if o[0] in (OTHER, NONE)]
    print(f"held out: {len(positives)} messages about a catalogue procedure ({len(questions)} citizens' questions in all), "
          f"{len(negatives)} about none or one we do not hold; {FOLDS} folds in {seconds:.0f} s")
    best = print_named(positives, negatives)
    print(f"best min_probability {best:.2f}")
    long_positives = [o for o in positives if o[3] >= LONG_WORDS]
    long_negatives = [o for o in negatives if o[3] >= LONG_WORDS]
    print(f"\nlong messages ({LONG_WORDS} words or more): {len(long_positives)} about a catalogue procedure, "
          f"{len(long_negatives)} about none or one we do not hold")
    print(f"best min_probability for them {print_named(long_positives, long_negatives):.2f}")
    safety = [str(code) for code in options.get("safety_procedures", [])]
    if safety:
        print_safety(safety, outcomes)
    print(f"\nswitching: {len(switches)} held-out citizens' questions resolved by retrieval, "
          f"{sum(t == c for t, c, *_ in switches) / max(len(switches), 1):.3f} right before any switch")
    print("switch_probability  right_after  switched_right  switched_wrong")
    best_switch = (0.0, 0.0)
    for threshold in SWITCH_THRESHOLDS:
        right = switched_right = switched_wrong = 0
        for truth, current, p_current, sibling, p_sibling in switches:
            switch = sibling is not None and p_sibling >= threshold and p_sibling > p_current
            final = sibling if switch else current
            right += final == truth
            switched_right += switch and final == truth
            switched_wrong += switch and current == truth
        share = right / max(len(switches), 1)
        best_switch = max(best_switch, (share, -threshold))
        print(f"{threshold:18.2f}  {share:11.3f}  {switched_right:14d}  {switched_wrong:14d}")
    print(f"best switch_probability {-best_switch[1]:.2f}")
    ours_kept = [v for v in vetoes if v[0] != OTHER]
    theirs_taken = [v for v in vetoes if v[0] == OTHER]
    print(f"\nretrieval named one of ours: {len(ours_kept)} held-out citizens' questions about ours "
          f"({sum(t == c for t, c, *_ in ours_kept)} right), {len(theirs_taken)} names and ways of asking "
          "of procedures we do not hold, unlisted")
    print("veto_probability  ours_lost  ours_lost_right  theirs_declined")
    for threshold in [0.15, 0.2, 0.25] + THRESHOLDS + [0.9, 0.95]:
        lost = [v for v in ours_kept if v[2] >= threshold and v[2] > v[3]]
        declined = sum(v[2] >= threshold and v[2] > v[3] for v in theirs_taken)
        print(f"{threshold:16.2f}  {len(lost):9d}  {sum(t == c for t, c, *_ in lost):15d}  {declined:15d}")

    print(f"\nties: {len(ties)} held-out citizens' questions retrieval found two or more procedures for alike, "
          f"the classifier's likeliest of them right in {sum(t == c for t, c, *_ in ties)}")
    print("settle_probability  settle_ratio  settled_right  settled_wrong  still_asked")
    for threshold in (0.3, 0.4, 0.5, 0.6):
        for ratio in (1.0, 2.0, 3.0, 5.0):
            settled = [t for t in ties if t[4] and t[2] >= threshold and t[2] >= ratio * t[3]]
            right = sum(t[0] == t[1] for t in settled)
            print(f"{threshold:18.2f}  {ratio:12.1f}  {right:13d}  {len(settled) - right:13d}  {len(ties) - len(settled):11d}")

    print(f"\noutside the tie: {len(outside)} of those ties had a likeliest label that is none of the tied "
          f"procedures ({sum(t[0] == t[1] for t in outside)} of them right, {sum(t[4] for t in outside)} with the truth among the tied)")
    print("min_probability  settle_ratio  taken_right  taken_wrong  truth_was_tied")
    for threshold in (0.4, 0.5, 0.6, 0.7):
        for ratio in (1.0, 3.0, 5.0):
            taken = [t for t in outside if t[2] >= threshold and t[2] >= ratio * t[3]]
            right = sum(t[0] == t[1] for t in taken)
            print(f"{threshold:15.2f}  {ratio:12.1f}  {right:11d}  {len(taken) - right:11d}  {sum(t[4] for t in taken):14d}")

    wrongly_declined = [r for r in rescues if r[0] not in (OTHER, NONE)]
    print(f"\nrescue: retrieval declined {len(wrongly_declined)} held-out citizens' questions about ours and "
          f"{len(rescues) - len(wrongly_declined)} names of procedures we do not hold or questions about none of ours")
    print("rescue_probability  ranked_too  rescued_right  rescued_wrong  theirs_answered")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        for ranked_too in (False, True):
            taken = [r for r in rescues if r[1] not in (OTHER, NONE) and r[2] >= threshold and (r[3] or not ranked_too)]
            right = sum(r[0] == r[1] for r in taken)
            theirs = sum(r[0] in (OTHER, NONE) for r in taken)
            print(f"{threshold:18.2f}  {ranked_too!s:>10}  {right:13d}  {len(taken) - right - theirs:13d}  {theirs:15d}")

    # Both passed: retrieval's best of ours reached min_score too, and the procedure we do not hold won
    # only by fitting a little better. Keeping ours when the classifier agrees with it:
    print_kept("arbitration", "had one of ours above min_score too", "arbitrate_probability", [r for r in rescues if r[4]])
    # The classifier's choice, ranked by retrieval too, explains more of the message than the procedure
    # we do not hold that won on its name's fit ("… chú làm căn cước, sửa hồ sơ thương binh sao"), and the
    # classifier reads the whole message as ours (``keep_ours_probability``):
    print_kept("keep ours", "had ours explaining more of the message", "keep_ours_probability", [r for r in rescues if r[5]])
    # Or ours fits better than theirs by score though theirs explains more of the words ("em họ bị bán qua
    # biên giới, vừa được đưa về, nhà nước có giúp gì không": support for victims, not reporting the crime):
    print_kept("keep ours by fit", "had ours fitting better, explaining less", "keep_ours_fit_probability", [r for r in rescues if r[6]])


def print_named(positives: list[tuple[str, str, float, int]], negatives: list[tuple[str, str, float, int]]) -> float:
    """The table of naming the likeliest label from each ``min_probability``; the best one."""
    print("min_probability  named_right  named_wrong  negatives_named  balanced")
    best_threshold = (0.0, 0.0)
    for threshold in THRESHOLDS:
        right = sum(p == t and q >= threshold for t, p, q, _ in positives) / max(len(positives), 1)
        wrong = sum(p != t and p not in (OTHER, NONE) and q >= threshold for t, p, q, _ in positives) / max(len(positives), 1)
        named = sum(p not in (OTHER, NONE) and q >= threshold for _, p, q, _ in negatives) / max(len(negatives), 1)
        # A wrong name is worse than none: it is counted against, as a negative named.
        balanced = (right - wrong + 1 - named) / 2
        best_threshold = max(best_threshold, (balanced, threshold))
        print(f"{threshold:15.2f}  {right:11.3f}  {wrong:11.3f}  {named:15.3f}  {balanced:8.3f}")
    return best_threshold[1]


def print_safety(safety: list[str], outcomes: list[tuple[str, str, float, int]]) -> None:
    """The table of naming a child-safety procedure (``safety_procedures``) when it is the likeliest
    label, from each ``safety_probability``: how many messages about it are then named (below
    ``min_probability`` too) and how many about anything else are named it."""
    about = [o for o in outcomes if o[0] in safety]
    print(f"\nsafety procedures {', '.join(safety)}: {len(about)} held-out messages about them")
    print("safety_probability  named_right  named_wrong(about another)  named_wrong(about none of ours)")
    for threshold in [round(0.05 * i, 2) for i in range(1, 9)]:
        named = [o for o in outcomes if o[1] in safety and o[2] >= threshold]
        right = sum(t == p for t, p, _, _ in named)
        wrong_ours = sum(t != p and t not in (OTHER, NONE) for t, p, _, _ in named)
        wrong_none = sum(t in (OTHER, NONE) for t, _, _, _ in named)
        print(f"{threshold:18.2f}  {right:5d} of {len(about):<4d}  {wrong_ours:26d}  {wrong_none:31d}")


def print_kept(title: str, which: str, option: str, kept: list[tuple[str, str, float, bool, bool, bool, bool]]) -> None:
    """For declines retrieval made and the classifier would overturn: how many a threshold on its
    probability keeps right, keeps as the wrong one of ours, or answers when the decline was right."""
    theirs_total = sum(r[0] in (OTHER, NONE) for r in kept)
    print(f"\n{title}: {len(kept)} of those declines {which}, the classifier's choice ({len(kept) - theirs_total} "
          f"about ours, {theirs_total} names of theirs or questions about none of ours)")
    print(f"{option:>21}  kept_right  kept_wrong  theirs_answered")
    for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.98):
        taken = [r for r in kept if r[2] >= threshold]
        right = sum(r[0] == r[1] for r in taken)
        theirs = sum(r[0] in (OTHER, NONE) for r in taken)
        print(f"{threshold:21.2f}  {right:10d}  {len(taken) - right - theirs:10d}  {theirs:15d}")


if __name__ == "__main__":
    main()
