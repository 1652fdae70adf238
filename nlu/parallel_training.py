"""Training the pipeline's steps on every core: a step that needs nothing from the steps before it
(``trains_apart = True``) learns in a forked process of its own while this one trains the rest.

The procedure classifier is half of the project's training (its solver over ~14,000 phrases and
~130 classes) and reads only the training data and the catalogue, so on two cores it runs beside
the intent classifier and the entity extractors instead of after them. The trained step comes back
pickled, as a saved model would; the figures are those of training one after the other. Where
``fork`` is not available, on one CPU, or in a daemonic process, everything trains here, in order.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import traceback
from multiprocessing.connection import Connection
from typing import Any

from nlu.components.base import Component, TrainingContext
from nlu.training_data import TrainingData

__all__ = ["train_components"]


def train_components(components: list[Component], data: TrainingData, context: TrainingContext) -> list[Component]:
    """``components`` trained on ``data``, in pipeline order; the steps that train apart may come
    back as new objects (unpickled from their process)."""
    apart = [i for i, c in enumerate(components) if getattr(c, "trains_apart", False)][: _spare_cpus()]
    running = {i: _start(components[i], data, context) for i in apart}
    try:
        for i, component in enumerate(components):
            if i not in running:
                component.train(data, context)
    except BaseException:
        for process, _ in running.values():
            process.terminate()
        raise
    trained = list(components)
    for i, (process, receiver) in running.items():
        trained[i] = _receive(components[i].name, process, receiver)
    return trained


def _spare_cpus() -> int:
    if "fork" not in multiprocessing.get_all_start_methods() or multiprocessing.current_process().daemon:
        return 0  # a daemonic process (a pool's worker) may not start children of its own
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(0, cpus - 1)


def _start(component: Component, data: TrainingData, context: TrainingContext) -> tuple[Any, Connection]:
    receiver, sender = multiprocessing.Pipe(duplex=False)
    # fork: the child shares the parent's data as it is now, nothing is pickled on the way in.
    process = multiprocessing.get_context("fork").Process(
        target=_train_and_send, args=(component, data, context, sender), daemon=True
    )
    process.start()
    sender.close()
    return process, receiver


def _train_and_send(component: Component, data: TrainingData, context: TrainingContext, sender: Connection) -> None:
    try:
        component.train(data, context)
        payload = pickle.dumps(("trained", component), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # noqa: BLE001 — reported to the parent, which raises it
        payload = pickle.dumps(("failed", traceback.format_exc()))
    sender.send_bytes(payload)
    sender.close()


def _receive(name: str, process: Any, receiver: Connection) -> Component:
    try:
        status, value = pickle.loads(receiver.recv_bytes())  # our own child's bytes
    except EOFError:
        process.join()
        raise RuntimeError(f"{name}: its training process ended without a model (exit code {process.exitcode})") from None
    finally:
        receiver.close()
    process.join()
    if status != "trained":
        raise RuntimeError(f"{name}: training failed in its own process:\n{value}")
    return value  # type: ignore[no-any-return]
