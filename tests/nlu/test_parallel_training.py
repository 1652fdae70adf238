"""A step that trains apart (in a forked process) learns what it would have learnt in order; a failure
or a crash in its process is an error here, never a silently untrained step."""

from __future__ import annotations

import os
from typing import Any, ClassVar

import pytest

from nlu import parallel_training
from nlu.components.base import CatalogueEntry, TrainingContext
from nlu.components.procedure_classifier import ProcedureClassifier
from nlu.message import Message
from nlu.normalize import Abbreviations
from nlu.parallel_training import train_components
from nlu.training_data import TrainingData, load_nlu_data

CATALOGUE = [
    CatalogueEntry("benefit", "Giải quyết hưởng trợ cấp thất nghiệp", aliases=("lãnh thất nghiệp",),
                   situations=("công ty cho tôi nghỉ việc", "hết hợp đồng chưa có việc")),
    CatalogueEntry("burial", "Hỗ trợ chi phí mai táng", aliases=("tiền mai táng",),
                   situations=("bà tôi nhận trợ cấp xã hội vừa mất", "người già neo đơn qua đời")),
]
QUESTIONS = [("em bị cho nghỉ việc giờ muốn xin tiền", "benefit"), ("mẹ tôi đang nhận tiền bảo trợ vừa qua đời", "burial")]
OTHERS = [CatalogueEntry("other:x:0", "Đăng ký kết hôn", aliases=("làm giấy kết hôn",))]
DATA = load_nlu_data({"nlu": [{"intent": "ask_fee", "examples": "- lệ phí bao nhiêu\n- có mất tiền không\n- phi the nao"}]})
CONTEXT = TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS)


class Counting:
    """A step trained here: it records that it was."""

    name: ClassVar[str] = "Counting"

    def __init__(self) -> None:
        self.trained_in: int | None = None

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self.trained_in = os.getpid()

    def process(self, message: Message) -> None:
        return None


class Failing(Counting):
    name: ClassVar[str] = "Failing"
    trains_apart: ClassVar[bool] = True

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        raise ValueError("no examples of that kind")


class Crashing(Counting):
    name: ClassVar[str] = "Crashing"
    trains_apart: ClassVar[bool] = True

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        os._exit(3)  # what the kernel's OOM killer leaves: no reply at all


class Apart(Counting):
    name: ClassVar[str] = "Apart"
    trains_apart: ClassVar[bool] = True

    def train(self, data: TrainingData, context: TrainingContext) -> None:
        self.trained_in = os.getpid()


@pytest.fixture
def two_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    if "fork" not in parallel_training.multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    monkeypatch.setattr(parallel_training, "_spare_cpus", lambda: 1)


def probabilities(classifier: Any, text: str) -> dict[str, float]:
    return {label: round(p, 9) for label, p in classifier.probabilities(text).items()}


def test_a_step_trained_apart_learns_what_it_learns_in_order(two_cpus: None, monkeypatch: pytest.MonkeyPatch) -> None:
    here = Counting()
    apart, = [c for c in train_components([ProcedureClassifier(), here], DATA, CONTEXT) if isinstance(c, ProcedureClassifier)]
    monkeypatch.setattr(parallel_training, "_spare_cpus", lambda: 0)
    in_order = ProcedureClassifier()
    train_components([in_order], DATA, CONTEXT)

    assert here.trained_in == os.getpid()
    for text in ("cty cho em nghi viec thi lanh tien o dau", "bà ngoại mất, xã có hỗ trợ không", "làm giấy kết hôn"):
        assert probabilities(apart, text) == probabilities(in_order, text)
    assert max(apart.probabilities("cty cho em nghi viec"), key=apart.probabilities("cty cho em nghi viec").get) == "benefit"


def test_the_step_comes_back_from_another_process_in_its_place(two_cpus: None) -> None:
    first, second, third = Counting(), Apart(), Counting()
    trained = train_components([first, second, third], DATA, CONTEXT)

    assert [c.name for c in trained] == ["Counting", "Apart", "Counting"]
    assert trained[0] is first and trained[2] is third
    assert isinstance(trained[1], Apart) and trained[1].trained_in not in (None, os.getpid())


def test_a_failure_in_the_step_s_process_is_raised_with_its_cause(two_cpus: None) -> None:
    with pytest.raises(RuntimeError, match="(?s)Failing: training failed .*no examples of that kind"):
        train_components([Failing(), Counting()], DATA, CONTEXT)


def test_a_process_that_dies_without_a_model_is_an_error(two_cpus: None) -> None:
    with pytest.raises(RuntimeError, match="Crashing: its training process ended without a model .exit code 3"):
        train_components([Crashing(), Counting()], DATA, CONTEXT)


def test_on_one_cpu_everything_trains_here_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel_training, "_spare_cpus", lambda: 0)
    steps = [Apart(), Counting()]
    trained = train_components(steps, DATA, CONTEXT)

    assert trained == steps
    assert all(step.trained_in == os.getpid() for step in steps)


def _report_spare_cpus(sender: Any) -> None:
    sender.send(parallel_training._spare_cpus())


def test_a_daemonic_process_trains_everything_itself() -> None:
    # A pool's worker may not start children: training there stays in order, in that process.
    if "fork" not in parallel_training.multiprocessing.get_all_start_methods():
        pytest.skip("this platform cannot fork")
    context = parallel_training.multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    worker = context.Process(target=_report_spare_cpus, args=(sender,), daemon=True)
    worker.start()
    spare = receiver.recv()
    worker.join()
    assert spare == 0
