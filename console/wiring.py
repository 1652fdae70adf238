"""The handoff parts the service assembles into its agent (``bot.service.build_service``)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from console.handoff_policy import HandoffAction, HandoffPolicy, HandoffTexts
from console.handoff_store import HandoffStore
from console.settings import ConsoleSettings

__all__ = ["HandoffParts", "build_handoff"]


@dataclass(frozen=True, slots=True)
class HandoffParts:
    store: HandoffStore
    policy: HandoffPolicy
    action: HandoffAction
    texts: HandoffTexts


def build_handoff(
    config: ConsoleSettings, engine: Engine, *, hotline: str, read_engine: Engine | None = None
) -> HandoffParts:
    store = HandoffStore(engine, read_engine=read_engine)
    texts = HandoffTexts(store, config.handoff, hotline)
    return HandoffParts(store, HandoffPolicy(store, config.handoff), HandoffAction(store, texts), texts)
