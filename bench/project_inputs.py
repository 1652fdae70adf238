"""What the NLU is trained on, read the way ``dvcbot train`` reads it, for the benchmarks that refit
parts of it in folds (bench/open_set.py, bench/procedure_classifier.py)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.service import ABBREVIATIONS_FILE, question_paths
from bot.settings import Settings, load_settings
from knowledge.catalogue import as_catalogue_entry
from knowledge.loader import load_catalogue_dir
from nlu.components.base import CatalogueEntry
from nlu.normalize import Abbreviations
from nlu.other_procedures import load_other_procedures
from nlu.procedure_questions import load_other_procedure_questions, load_procedure_questions
from nlu.training_data import TrainingData, load_nlu_files

__all__ = ["ProjectInputs", "project_inputs"]


@dataclass(slots=True)
class ProjectInputs:
    settings: Settings
    abbreviations: Abbreviations
    catalogue: list[CatalogueEntry]
    data: TrainingData
    others: list[CatalogueEntry]
    questions: list[tuple[str, str]]
    other_questions: list[str]


def project_inputs() -> ProjectInputs:
    settings = load_settings()
    return ProjectInputs(
        settings=settings,
        abbreviations=Abbreviations.from_file(settings.path(ABBREVIATIONS_FILE)),
        catalogue=[as_catalogue_entry(r) for r in load_catalogue_dir(settings.path(settings.catalogue_data))],
        data=load_nlu_files([settings.path(p) for p in settings.nlu_data]),
        others=load_other_procedures([settings.path(p) for p in settings.other_procedures]),
        questions=load_procedure_questions(question_paths(settings)),
        other_questions=load_other_procedure_questions(question_paths(settings, others=True)),
    )
