"""Settles overlapping entities found by different extractors, once the intent is known.

"lĩnh vực người có công có những thủ tục nào" asks for a field, so the ``field`` entity wins over a
procedure read into "người có công"; "mai táng phí người có công" names a procedure, so the
``procedure`` entity wins over the field inside it.
"""

from __future__ import annotations

from typing import Any, ClassVar

from nlu.components.base import TrainingContext
from nlu.message import Entity, Message
from nlu.training_data import TrainingData

__all__ = ["EntityConflictResolver"]


class EntityConflictResolver:
    name: ClassVar[str] = "EntityConflictResolver"

    def __init__(self, listing_intents: list[str] | None = None, **options: Any) -> None:
        self.listing_intents = set(listing_intents or ["list_procedures"])

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        pass

    def _rank(self, entity: Entity, listing: bool) -> tuple[int, int]:
        if entity.entity == "procedure":
            preference = 0 if listing else 2
        elif entity.entity == "field":
            preference = 2 if listing else 0
        else:
            preference = 1
        return preference, entity.end - entity.start

    def process(self, message: Message) -> None:
        listing = bool(message.intent and message.intent.name in self.listing_intents)
        kept: list[Entity] = []
        for entity in sorted(message.entities, key=lambda e: self._rank(e, listing), reverse=True):
            if not any(entity.start < other.end and other.start < entity.end for other in kept):
                kept.append(entity)
        message.entities = sorted(kept, key=lambda e: e.start)
