"""The suggestions' confidence, calibrated on a labelled set derived from ``nlu/data/test.yml``.

Every test utterance is labelled by its intent (the aspect asked) and its ``procedure`` entity (the
catalogue code; none for follow-ups without context, small talk and procedures we do not hold).
Each candidate the suggester ranks for it (up to three) is right when both its procedure and its
aspect are the labelled ones. An isotonic regression of "right" on the raw score (P(aspect) ×
P(procedure)) maps any raw score to the share of right suggestions with that score: a confidence of
0.8 means about 8 in 10 such suggestions were right on that set.

The map is fitted once per model and labelled set and cached beside the model
(``models/<fingerprint>/assist_calibration-<digest>.json``). ``fit`` also reports how well a map fitted
on half the utterances predicts the other half (expected calibration error), for ``bench/agent_assist.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from console.assist import Suggester
from nlu.training_data import Example, load_nlu_files

__all__ = ["CALIBRATION_VERSION", "IsotonicMap", "fit", "labelled_candidates", "load_or_fit"]

log = logging.getLogger("dvcbot.console.calibration")
CALIBRATION_VERSION = "1"
BINS = 10


@dataclass(frozen=True, slots=True)
class IsotonicMap:
    """A monotone step map from raw score to probability (linear between its knots)."""

    xs: tuple[float, ...]
    ys: tuple[float, ...]

    def probability(self, raw: float) -> float:
        if not self.xs:
            return raw
        return float(np.interp(raw, self.xs, self.ys))

    def as_json(self) -> dict[str, Any]:
        return {"xs": list(self.xs), "ys": list(self.ys)}


def _gold(example: Example) -> tuple[str | None, str | None]:
    procedure = next((e.value for e in example.entities if e.entity == "procedure"), None)
    return example.intent, procedure


def labelled_candidates(suggester: Suggester, examples: list[Example]) -> list[list[tuple[float, bool]]]:
    """Per utterance, its ranked candidates as (raw score, right?), read without conversation context."""
    out: list[list[tuple[float, bool]]] = []
    for example in examples:
        intent, procedure = _gold(example)
        candidates, _ = suggester.candidates(example.text, suggester.tracker_for(None))
        out.append(
            [
                (c.raw, c.procedure == procedure and c.aspect == intent)
                for c in candidates[: suggester.max_suggestions]
            ]
        )
    return out


def _isotonic(pairs: list[tuple[float, bool]]) -> IsotonicMap:
    from sklearn.isotonic import IsotonicRegression

    if not pairs:
        return IsotonicMap((), ())
    raw = np.array([p[0] for p in pairs])
    right = np.array([1.0 if p[1] else 0.0 for p in pairs])
    model = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip").fit(raw, right)
    return IsotonicMap(
        tuple(float(x) for x in model.X_thresholds_), tuple(float(y) for y in model.y_thresholds_)
    )


def expected_calibration_error(mapping: IsotonicMap, pairs: list[tuple[float, bool]]) -> float:
    """Mean |predicted − observed| over ten equal-width bins of predicted probability, weighted by size."""
    if not pairs:
        return 0.0
    predicted = np.array([mapping.probability(p[0]) for p in pairs])
    right = np.array([1.0 if p[1] else 0.0 for p in pairs])
    bins = np.minimum((predicted * BINS).astype(int), BINS - 1)
    error = 0.0
    for b in range(BINS):
        mask = bins == b
        if mask.any():
            error += mask.sum() / len(pairs) * abs(predicted[mask].mean() - right[mask].mean())
    return float(error)


def fit(suggester: Suggester, examples: list[Example]) -> tuple[IsotonicMap, dict[str, Any]]:
    """The map fitted on every utterance, and a report of a half/half check."""
    per_utterance = labelled_candidates(suggester, examples)
    every = [pair for pairs in per_utterance for pair in pairs]
    first = [pair for i, pairs in enumerate(per_utterance) if i % 2 == 0 for pair in pairs]
    second = [pair for i, pairs in enumerate(per_utterance) if i % 2 == 1 for pair in pairs]
    half = _isotonic(first)
    mapping = _isotonic(every)
    report = {
        "utterances": len(examples),
        "candidates": len(every),
        "right_candidates": sum(1 for _, right in every if right),
        "ece_raw_on_second_half": round(expected_calibration_error(IsotonicMap((), ()), second), 4),
        "ece_calibrated_on_second_half": round(expected_calibration_error(half, second), 4),
    }
    return mapping, report


def _cache_path(model_dir: Path, data_file: Path) -> Path:
    digest = hashlib.sha256(CALIBRATION_VERSION.encode() + data_file.read_bytes()).hexdigest()[:12]
    return model_dir / f"assist_calibration-{digest}.json"


def load_or_fit(suggester: Suggester, *, model_dir: Path, data_file: Path) -> IsotonicMap:
    """The cached map for this model and labelled set, fitted (a few seconds) when there is none."""
    path = _cache_path(model_dir, data_file)
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return IsotonicMap(tuple(data["xs"]), tuple(data["ys"]))
        except (OSError, ValueError, KeyError) as error:
            log.warning("calibration cache %s unusable (%s); fitting again", path, error)
    examples = load_nlu_files([data_file]).examples
    mapping, report = fit(suggester, examples)
    log.info("agent-assist calibration fitted: %s", report)
    try:
        model_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({**mapping.as_json(), "report": report}), encoding="utf-8")
    except OSError as error:  # a read-only models/ directory: fitted again at the next start
        log.warning("calibration not cached: %s", error)
    return mapping
