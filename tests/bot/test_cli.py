"""``dvcbot train`` and ``dvcbot test nlu`` on a Rasa NLU file that is not the project's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main

DATA = """version: "3.1"
nlu:
- intent: book_room
  examples: |
    - đặt [phòng đôi](room_type) cho tôi
    - tôi muốn đặt [phòng đơn](room_type)
    - còn [phòng đôi](room_type) không
    - book giúp mình [phòng gia đình](room_type)
    - cho em một [phòng đơn](room_type) tối nay
    - dat [phong doi](room_type) nhe
- intent: ask_checkin
  examples: |
    - mấy giờ nhận phòng
    - check in lúc nào
    - giờ nhận phòng là mấy giờ
    - bao giờ được vào phòng
    - nhan phong may gio
    - mấy giờ thì check-in được
- intent: greet
  examples: |
    - chào
    - xin chào khách sạn
    - hello
    - chào bạn
    - hi
    - chao ban
"""

TEST = """version: "3.1"
nlu:
- intent: book_room
  examples: |
    - đặt giúp tôi [phòng đơn](room_type)
- intent: ask_checkin
  examples: |
    - mấy giờ check in vậy
- intent: greet
  examples: |
    - xin chào
"""


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    (tmp_path / "train.yml").write_text(DATA, encoding="utf-8")
    (tmp_path / "test.yml").write_text(TEST, encoding="utf-8")
    return tmp_path / "train.yml", tmp_path / "test.yml"


def test_train_then_test_any_rasa_file(files: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    train, test = files
    assert main(["train", "--nlu", str(train), "--out", str(tmp_path / "models")]) == 0
    model_dir = Path(json.loads(capsys.readouterr().out.strip().splitlines()[-1])["model"])
    assert (model_dir / "pipeline.pkl").exists()
    report_path, predictions_path = tmp_path / "report.json", tmp_path / "predictions.json"
    assert main(["test", "nlu", "--nlu", str(test), "--model", str(tmp_path / "models"),
                 "--report", str(report_path), "--predictions", str(predictions_path)]) == 0
    report = json.loads(report_path.read_text())
    assert report["n"] == 3
    assert {"accuracy", "macro_f1", "weighted_f1", "per_intent"} <= set(report["intent"])
    assert {"micro_f1", "per_entity"} <= set(report["entities"])
    assert report["intent"]["accuracy"] == 1.0
    assert report["entities"]["per_entity"]["room_type"]["recall"] == 1.0
    assert report["sentence_accuracy"] == 1.0
    predictions = json.loads(predictions_path.read_text())
    assert [p["text"] for p in predictions] == ["đặt giúp tôi phòng đơn", "mấy giờ check in vậy", "xin chào"]
    assert all({"intent", "intent_ranking", "entities"} <= set(p) for p in predictions)


def test_cross_validation(files: tuple[Path, Path], tmp_path: Path) -> None:
    train, _ = files
    report_path = tmp_path / "cv.json"
    assert main(["test", "nlu", "--nlu", str(train), "--cross-validation", "3", "--report", str(report_path)]) == 0
    report = json.loads(report_path.read_text())
    assert report["folds"] == 3 and report["n"] == 18
    assert report["intent"]["accuracy"] > 0.5  # every utterance scored by a model that never saw it
