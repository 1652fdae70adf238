"""Prometheus metrics of the service (``GET /metrics``), one set per app, multiprocess-aware.

What an operator watches: messages and turn latency, what the turns did (intents, fallbacks,
declines, handoffs), errors, how long turns wait for their conversation's lock, and how long the
tracker store takes. With ``dvcbot run --workers N`` every worker writes its values to
``PROMETHEUS_MULTIPROC_DIR`` (set by the CLI before the workers start) and ``/metrics`` on any
worker adds up all of them.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from bot.events import Event

__all__ = ["CONTENT_TYPE", "MULTIPROC_ENV", "Metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
_FAST = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)
_TURN = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
FALLBACK_ACTIONS = frozenset({"action_clarify", "utter_ask_rephrase", "utter_out_of_scope"})
DECLINE_ACTIONS = frozenset({"action_decline_procedure"})
HANDOFF_ACTIONS = frozenset({"utter_request_human", "action_handoff"})


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.messages = Counter("dvcbot_messages", "User messages handled", ["channel"], registry=r)
        self.turn_seconds = Histogram(
            "dvcbot_turn_seconds", "Seconds from a message to its replies", buckets=_TURN, registry=r
        )
        self.intents = Counter("dvcbot_intents", "Turns by the intent read", ["intent"], registry=r)
        self.fallbacks = Counter(
            "dvcbot_fallbacks", "Turns answered by a clarification or rephrase request", registry=r
        )
        self.declines = Counter("dvcbot_declines", "Procedures declined as not in the catalogue", registry=r)
        self.handoffs = Counter("dvcbot_handoffs", "Turns handed to a person", registry=r)
        self.errors = Counter("dvcbot_errors", "Turns that failed", ["kind"], registry=r)
        self.lock_wait_seconds = Histogram(
            "dvcbot_lock_wait_seconds",
            "Seconds a turn waited for its conversation",
            buckets=_FAST,
            registry=r,
        )
        self.store_seconds = Histogram(
            "dvcbot_store_seconds",
            "Seconds of a tracker store call",
            ["operation"],
            buckets=_FAST,
            registry=r,
        )

        # Labelled children by label, looked up once: ``labels()`` validates and locks on every call.
        self._children: dict[tuple[int, str], Any] = {}

    def _child(self, family: Counter | Histogram, label: str) -> Any:
        key = (id(family), label)
        child = self._children.get(key)
        if child is None:
            child = self._children[key] = family.labels(label)
        return child

    # Recording ---------------------------------------------------------------------------------
    def turn(self, *, channel: str | None, seconds: float, events: Iterable[Event]) -> None:
        self._child(self.messages, channel or "unknown").inc()
        self.turn_seconds.observe(seconds)
        for event in events:
            kind = event.get("event")
            if kind == "user":
                intent = (event.get("parse_data") or {}).get("intent") or {}
                self._child(self.intents, str(intent.get("name") or "none")).inc()
            elif kind == "action":
                name = event.get("name")
                if name in FALLBACK_ACTIONS:
                    self.fallbacks.inc()
                elif name in DECLINE_ACTIONS:
                    self.declines.inc()
                elif name in HANDOFF_ACTIONS:
                    self.handoffs.inc()

    def error(self, kind: str) -> None:
        self.errors.labels(kind).inc()

    def lock_wait(self, seconds: float) -> None:
        self.lock_wait_seconds.observe(seconds)

    def store(self, operation: str, seconds: float) -> None:
        self._child(self.store_seconds, operation).observe(seconds)

    # Exposition --------------------------------------------------------------------------------
    def exposition(self) -> bytes:
        """The Prometheus text: this process's metrics, or every worker's in multiprocess mode."""
        directory = os.environ.get(MULTIPROC_ENV)
        if directory and os.path.isdir(directory):
            merged = CollectorRegistry()
            MultiProcessCollector(merged, path=directory)
            return generate_latest(merged)
        return generate_latest(self.registry)
