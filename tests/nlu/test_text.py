"""The project's abbreviation table belongs to the project's data."""

from __future__ import annotations

import pytest

from nlu.components.base import TrainingContext
from nlu.components.text import VietnameseNormalizer
from nlu.message import Message
from nlu.normalize import Abbreviations
from nlu.training_data import TrainingData

TABLE = Abbreviations({"tctn": "trợ cấp thất nghiệp"})


def _normalized(mode: str, project_data: bool) -> str:
    normalizer = VietnameseNormalizer(abbreviations=mode)
    normalizer.train(TrainingData(), TrainingContext(TABLE, project_data=project_data))
    message = Message(text="hồ sơ tctn")
    normalizer.process(message)
    return message.normalized


@pytest.mark.parametrize(
    ("mode", "project_data", "expected"),
    [
        ("project", True, "hồ sơ trợ cấp thất nghiệp"),
        ("project", False, "hồ sơ tctn"),
        ("always", False, "hồ sơ trợ cấp thất nghiệp"),
        ("never", True, "hồ sơ tctn"),
    ],
)
def test_abbreviations_by_data_and_config(mode: str, project_data: bool, expected: str) -> None:
    assert _normalized(mode, project_data) == expected


def test_unknown_mode_fails_loudly() -> None:
    with pytest.raises(ValueError, match="abbreviations"):
        VietnameseNormalizer(abbreviations="sometimes")
