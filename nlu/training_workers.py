"""Training a pipeline's components side by side, each in a forked worker process.

Components learn independently: each reads the training data and the context, none reads another
component's state (the pipeline's order matters when parsing, not when training). On the project's
data the intent and procedure classifiers take most of the CPU time (≈ 15 s and ≈ 23 s of ≈ 44 s),
in scikit-learn solvers that hold one core each, so two workers finish in about the time of the
longest one. A worker computes exactly what the parent would have (same code, same data, same
hash seed: a forked process inherits it) and sends the trained component back pickled, as a saved
model is.

Small data sets (every test fixture) train in the process itself: a fork costs more than it saves.
Without ``fork`` (not Linux or macOS) training stays sequential.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import Future, ProcessPoolExecutor

from nlu.components.base import Component, TrainingContext
from nlu.training_data import TrainingData

__all__ = ["MAX_WORKERS", "PARALLEL_FROM_EXAMPLES", "train_components"]

MAX_WORKERS = 2
PARALLEL_FROM_EXAMPLES = 1000

# What the forked workers read: set before the pool forks, so nothing but an index crosses a pipe.
_job: tuple[list[Component], TrainingData, TrainingContext] | None = None


def _train_one(position: int) -> Component:
    assert _job is not None, "train_one runs only in a worker forked by train_components"
    components, data, context = _job
    component = components[position]
    component.train(data, context)
    return component


def _workers() -> int:
    try:
        available = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        available = os.cpu_count() or 1
    return min(MAX_WORKERS, available)


def train_components(components: list[Component], data: TrainingData, context: TrainingContext) -> list[Component]:
    """The components trained on ``data``, in pipeline order (the parallel path returns copies)."""
    global _job
    workers = _workers()
    if workers < 2 or len(data.examples) < PARALLEL_FROM_EXAMPLES or "fork" not in multiprocessing.get_all_start_methods():
        for component in components:
            component.train(data, context)
        return components
    _job = (components, data, context)
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork")) as pool:
            # The learned classifiers stand last in a pipeline and cost most: started first, the
            # extractors fill the other worker meanwhile.
            futures: dict[int, Future[Component]] = {
                position: pool.submit(_train_one, position) for position in reversed(range(len(components)))
            }
            return [futures[position].result() for position in range(len(components))]
    finally:
        _job = None
