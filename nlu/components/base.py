"""What every NLU component offers, and what it receives at training time."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from nlu.message import Message
from nlu.normalize import Abbreviations
from nlu.training_data import TrainingData

__all__ = ["CatalogueEntry", "Component", "TrainingContext"]


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    """The part of a procedure that retrieval needs: its names and the words citizens use for it."""

    code: str
    name: str
    field: str = ""
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    situations: tuple[str, ...] = ()
    national_code: str | None = None
    # Only for real procedures the catalogue does not hold: where to turn instead ("Tổng đài 111").
    note: str | None = None
    # What the entry itself talks about (its papers, conditions, steps): "phiếu lý lịch tư pháp" in a
    # question about the subleasing licence is one of its papers, not a new topic.
    details: tuple[str, ...] = ()
    # Procedures the entry links to for what it does not give (``ProcedureRecord.related``): a question
    # about one of them after it is answered by the link, the entry staying in context.
    related: tuple[str, ...] = ()


@dataclass(slots=True)
class TrainingContext:
    abbreviations: Abbreviations
    catalogue: list[CatalogueEntry] = field(default_factory=list)
    # Real procedures the catalogue does not hold (nlu/other_procedures.py): open-set negatives.
    others: list[CatalogueEntry] = field(default_factory=list)
    # Citizens' messages about one procedure each: (text, catalogue code) (nlu/procedure_questions.py).
    questions: list[tuple[str, str]] = field(default_factory=list)
    # True when the training data is the project's own (config.yml ``nlu_data``): its abbreviation
    # table ("tctn" → "trợ cấp thất nghiệp") belongs to that data, not to another ministry's set.
    project_data: bool = True


class Component(Protocol):
    """A pipeline step: learns from data once, then fills in a ``Message`` in place.

    A step whose training reads only the data and the context, never the steps before it, may say
    ``trains_apart: ClassVar[bool] = True``: it then trains in a process of its own beside them
    (``nlu/parallel_training.py``).
    """

    name: ClassVar[str]

    def __init__(self, **options: Any) -> None: ...

    def train(self, data: TrainingData, context: TrainingContext) -> None: ...

    def process(self, message: Message) -> None: ...
