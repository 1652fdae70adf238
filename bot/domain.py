"""The domain (intents, entities, slots, responses, forms) read from Rasa domain YAML."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Domain", "SlotMapping"]


@dataclass(frozen=True, slots=True)
class SlotMapping:
    slot: str
    type: str
    entity: str | None = None
    intent: list[str] | None = None


@dataclass(slots=True)
class Domain:
    intents: list[str]
    entities: list[str]
    slots: dict[str, dict[str, Any]]
    responses: dict[str, list[dict[str, Any]]]
    forms: dict[str, list[str]]
    actions: list[str]
    session_expiration_minutes: float = 60
    carry_over_slots: bool = False
    raw: dict[str, Any] = field(default_factory=dict)
    # slot_mappings(), read on every turn, built on first use (the domain is not changed once loaded)
    _mappings: list[SlotMapping] | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def load(cls, path: Path) -> Domain:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        forms = {
            name: list((spec or {}).get("required_slots") or [])
            for name, spec in (data.get("forms") or {}).items()
        }
        session = data.get("session_config") or {}
        return cls(
            intents=[i if isinstance(i, str) else next(iter(i)) for i in data.get("intents") or []],
            entities=[e if isinstance(e, str) else next(iter(e)) for e in data.get("entities") or []],
            slots=dict(data.get("slots") or {}),
            responses=dict(data.get("responses") or {}),
            forms=forms,
            actions=list(data.get("actions") or []),
            session_expiration_minutes=float(session.get("session_expiration_time", 60)),
            carry_over_slots=bool(session.get("carry_over_slots_to_new_session", False)),
            raw=data,
        )

    @property
    def slot_names(self) -> list[str]:
        return list(self.slots)

    def slot_mappings(self) -> list[SlotMapping]:
        if self._mappings is None:
            self._mappings = [
                SlotMapping(slot, str(mapping.get("type")), mapping.get("entity"), mapping.get("intent"))
                for slot, spec in self.slots.items()
                for mapping in (spec or {}).get("mappings") or []
            ]
        return list(self._mappings)

    def response(self, name: str, **variables: str) -> dict[str, Any] | None:
        """One variant of ``name`` with ``{placeholders}`` filled; unknown placeholders stay as they are."""
        variants = self.responses.get(name)
        if not variants:
            return None
        chosen = dict(random.choice(variants))
        if chosen.get("text"):
            text = str(chosen["text"])
            for key, value in variables.items():
                text = text.replace("{" + key + "}", value)
            chosen["text"] = text
        return chosen

    def as_dict(self) -> dict[str, Any]:
        return self.raw
