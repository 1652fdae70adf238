"""Names usable in ``config.yml``'s ``pipeline:`` and the classes they build."""

from __future__ import annotations

from typing import Any

from nlu.components.base import Component
from nlu.components.crf_entities import CRFEntityExtractor
from nlu.components.entity_conflicts import EntityConflictResolver
from nlu.components.intent_classifier import IntentClassifier
from nlu.components.lookup_entities import LookupEntityExtractor
from nlu.components.procedure_classifier import ProcedureClassifier
from nlu.components.procedure_resolver import ProcedureResolver
from nlu.components.regex_entities import RegexEntityExtractor
from nlu.components.text import VietnameseNormalizer, VietnameseTokenizer

__all__ = ["COMPONENTS", "UnknownComponentError", "build_component"]

COMPONENTS: dict[str, type[Any]] = {
    cls.name: cls
    for cls in (
        VietnameseNormalizer,
        VietnameseTokenizer,
        RegexEntityExtractor,
        LookupEntityExtractor,
        CRFEntityExtractor,
        ProcedureResolver,
        IntentClassifier,
        ProcedureClassifier,
        EntityConflictResolver,
    )
}


class UnknownComponentError(ValueError):
    pass


def build_component(spec: dict[str, Any]) -> Component:
    """``{"name": "IntentClassifier", "C": 8}`` → ``IntentClassifier(C=8)``; unknown names fail loudly."""
    options = dict(spec)
    name = str(options.pop("name", ""))
    if name not in COMPONENTS:
        known = ", ".join(sorted(COMPONENTS))
        raise UnknownComponentError(f"unknown NLU component {name!r} in pipeline; known: {known}")
    component: Component = COMPONENTS[name](**options)
    return component
