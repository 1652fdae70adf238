"""Reader for Rasa 3 NLU YAML: intents with annotated examples, synonyms, regexes and lookup tables.

Annotations follow Rasa: ``[Hà Nội](province)``, ``[gplđ](procedure:work_permit_issue)`` and
``[gplđ]{"entity": "procedure", "value": "work_permit_issue"}``, with Rasa's entity roles and groups
(``từ [Hà Nội]{"entity": "province", "role": "from"} về [Nghệ An]{"entity": "province", "role": "to"}``).
The reader strips them and keeps character offsets into the plain text, so any public Rasa data set
loads as it is.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

__all__ = ["EntitySpan", "Example", "TrainingData", "TrainingDataError", "load_nlu_files", "parse_annotated"]

_ANNOTATION = re.compile(r"\[(?P<text>[^\]]+?)\](?:\((?P<paren>[^)]+)\)|(?P<json>\{[^}]*\}))")


class TrainingDataError(ValueError):
    """A file that is not Rasa 3 NLU YAML; the message names the file and the block."""


@dataclass(frozen=True, slots=True)
class EntitySpan:
    entity: str
    value: str
    start: int
    end: int
    text: str
    role: str | None = None
    group: str | None = None


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    intent: str | None
    entities: tuple[EntitySpan, ...] = ()


@dataclass(slots=True)
class TrainingData:
    examples: list[Example] = field(default_factory=list)
    synonyms: dict[str, str] = field(default_factory=dict)
    regexes: dict[str, list[str]] = field(default_factory=dict)
    lookups: dict[str, list[str]] = field(default_factory=dict)

    @property
    def intents(self) -> list[str]:
        return sorted({e.intent for e in self.examples if e.intent})

    def merge(self, other: TrainingData) -> TrainingData:
        return TrainingData(
            examples=[*self.examples, *other.examples],
            synonyms={**self.synonyms, **other.synonyms},
            regexes={
                k: [*self.regexes.get(k, []), *other.regexes.get(k, [])]
                for k in {*self.regexes, *other.regexes}
            },
            lookups={
                k: [*self.lookups.get(k, []), *other.lookups.get(k, [])]
                for k in {*self.lookups, *other.lookups}
            },
        )


def parse_annotated(raw: str, intent: str | None = None) -> Example:
    """``"làm [gplđ](procedure:work_permit_issue) ạ"`` → text ``"làm gplđ ạ"`` and one span (5, 9)."""
    raw = unicodedata.normalize("NFC", raw)
    parts: list[str] = []
    spans: list[EntitySpan] = []
    cursor = 0
    length = 0
    for match in _ANNOTATION.finditer(raw):
        before = raw[cursor : match.start()]
        parts.append(before)
        length += len(before)
        surface = match.group("text")
        entity, value, role, group = _entity_and_value(match, surface)
        spans.append(
            EntitySpan(
                entity=entity,
                value=value,
                start=length,
                end=length + len(surface),
                text=surface,
                role=role,
                group=group,
            )
        )
        parts.append(surface)
        length += len(surface)
        cursor = match.end()
    parts.append(raw[cursor:])
    return Example(text="".join(parts), intent=intent, entities=tuple(spans))


def _entity_and_value(match: re.Match[str], surface: str) -> tuple[str, str, str | None, str | None]:
    """Entity, value, role and group of one annotation (role and group only in the JSON form)."""
    if match.group("json"):
        try:
            meta = json.loads(match.group("json"))
        except json.JSONDecodeError as error:
            raise TrainingDataError(f"bad entity JSON {match.group('json')!r}: {error}") from error
        if not isinstance(meta, dict) or "entity" not in meta:
            raise TrainingDataError(f"entity JSON {match.group('json')!r} has no 'entity'")
        role, group = meta.get("role"), meta.get("group")
        return (
            str(meta["entity"]),
            str(meta.get("value", surface)),
            None if role is None else str(role),
            None if group is None else str(group),
        )
    paren = match.group("paren")
    entity, _, value = paren.partition(":")
    return entity.strip(), (value.strip() or surface), None, None


def _example_lines(block: Any) -> list[str]:
    if isinstance(block, str):
        lines = []
        for line in block.splitlines():
            stripped = line.strip()
            if stripped.startswith("- "):
                lines.append(stripped[2:].strip())
            elif stripped == "-":
                continue
        return lines
    if isinstance(block, list):
        return [str(item["text"] if isinstance(item, dict) else item).strip() for item in block]
    return []


def load_nlu_data(source: dict[str, Any], origin: str = "<memory>") -> TrainingData:
    """Turn one parsed YAML document into ``TrainingData``; other top-level keys (rules, stories) are ignored."""
    data = TrainingData()
    blocks = source.get("nlu") or []
    if not isinstance(blocks, list):
        raise TrainingDataError(f"{origin}: 'nlu' must be a list of blocks")
    for index, block in enumerate(blocks):
        if not isinstance(block, dict):
            raise TrainingDataError(f"{origin}: nlu block {index} is not a mapping")
        examples = _example_lines(block.get("examples"))
        if "intent" in block:
            intent = str(block["intent"])
            for line in examples:
                if line:
                    data.examples.append(parse_annotated(line, intent))
        elif "synonym" in block:
            for line in examples:
                data.synonyms[unicodedata.normalize("NFC", line)] = str(block["synonym"])
        elif "regex" in block:
            data.regexes.setdefault(str(block["regex"]), []).extend(examples)
        elif "lookup" in block:
            data.lookups.setdefault(str(block["lookup"]), []).extend(
                unicodedata.normalize("NFC", line) for line in examples
            )
        else:
            raise TrainingDataError(f"{origin}: nlu block {index} has none of intent/synonym/regex/lookup")
    for example in data.examples:
        for span in example.entities:
            if span.value != span.text:
                data.synonyms.setdefault(span.text, span.value)
    return data


def load_nlu_files(paths: list[Path]) -> TrainingData:
    """Read and merge several Rasa NLU YAML files."""
    merged = TrainingData()
    for path in paths:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            raise TrainingDataError(f"{path}: cannot read NLU YAML: {error}") from error
        if not isinstance(document, dict):
            raise TrainingDataError(f"{path}: top level must be a mapping with an 'nlu' key")
        merged = merged.merge(load_nlu_data(document, str(path)))
    return merged
