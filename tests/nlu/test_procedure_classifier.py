"""The whole message → procedure: a story that names none, a sibling that fits better, and nothing
for questions about no procedure or about one we do not hold."""

from __future__ import annotations

import pytest

from nlu.components.base import CatalogueEntry, TrainingContext
from nlu.components.procedure_classifier import ProcedureClassifier
from nlu.message import Entity, Message, ProcedureCandidate
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import load_nlu_data

CATALOGUE = [
    CatalogueEntry("benefit", "Giải quyết hưởng trợ cấp thất nghiệp", aliases=("trợ cấp thất nghiệp", "lãnh thất nghiệp"),
                   situations=("tôi vừa nghỉ việc muốn lãnh tiền", "công ty cho tôi nghỉ việc")),
    CatalogueEntry("terminate", "Chấm dứt hưởng trợ cấp thất nghiệp", aliases=("chấm dứt hưởng thất nghiệp",),
                   situations=("đang lãnh thất nghiệp thì có việc làm mới", "đi làm lại khi đang hưởng trợ cấp")),
    CatalogueEntry("burial", "Hỗ trợ chi phí mai táng", aliases=("tiền mai táng",),
                   situations=("bà tôi nhận trợ cấp xã hội vừa mất", "người già neo đơn qua đời")),
]
QUESTIONS = [
    ("cty mới nhận em đi làm mà em đang lãnh tiền thất nghiệp thì sao", "terminate"),
    ("có việc rồi còn lãnh trợ cấp được nữa không", "terminate"),
    ("tìm được chỗ làm mới thì phải báo trung tâm à", "terminate"),
    ("em bị cho nghỉ việc tháng trước giờ muốn xin tiền thất nghiệp", "benefit"),
    ("hết hợp đồng chưa có việc thì làm hồ sơ hưởng ở đâu", "benefit"),
    ("ông cụ hàng xóm sống một mình mới mất, xã có hỗ trợ lo hậu sự không", "burial"),
    ("mẹ tôi đang nhận tiền bảo trợ vừa qua đời", "burial"),
]
OTHERS = [CatalogueEntry("other:x:0", "Đăng ký kết hôn", aliases=("làm giấy kết hôn",)),
          CatalogueEntry("other:x:1", "Cấp hộ chiếu phổ thông", aliases=("làm hộ chiếu",))]
DATA = load_nlu_data({"nlu": [{"intent": "ask_fee", "examples": "\n".join(
    f"- {t}" for t in ["thế lệ phí bao nhiêu", "có mất tiền không", "phí bao nhiêu vậy", "le phi the nao"])}]})


@pytest.fixture(scope="module")
def classifier() -> ProcedureClassifier:
    component = ProcedureClassifier(min_probability=0.4, switch_probability=0.4, context_switch_probability=0.4)
    component.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    return component


def message(text: str, entities: list[Entity] | None = None, ranked: list[ProcedureCandidate] | None = None) -> Message:
    return Message(text=text, original=nfc(text), entities=entities or [], procedures=ranked or [])


def procedures(m: Message) -> list[str]:
    return [e.value for e in m.entities if e.entity == "procedure"]


def test_a_story_that_names_no_procedure_gets_one(classifier: ProcedureClassifier) -> None:
    m = message("dang lanh tien that nghiep ma co cho lam moi thi lam sao")
    classifier.process(m)
    assert procedures(m) == ["terminate"]


def test_a_sibling_that_fits_the_whole_message_replaces_the_retrieved_one(classifier: ProcedureClassifier) -> None:
    retrieved = Entity("procedure", "benefit", 0, 10, 1.0, "ProcedureResolver")
    ranked = [ProcedureCandidate("benefit", "", 1.0, 0, 10), ProcedureCandidate("terminate", "", 0.7, 0, 10)]
    m = message("đang hưởng trợ cấp thất nghiệp mà có việc làm mới rồi thì sao", [retrieved], ranked)
    classifier.process(m)
    assert procedures(m) == ["terminate"]


def test_a_sibling_retrieval_did_not_rank_is_never_chosen(classifier: ProcedureClassifier) -> None:
    retrieved = Entity("procedure", "benefit", 0, 10, 1.0, "ProcedureResolver")
    # Retrieval's pick accounts for much of the message ("trợ cấp thất nghiệp"), not a sliver of it.
    m = message("đang hưởng trợ cấp thất nghiệp mà có việc làm mới rồi thì sao", [retrieved],
                [ProcedureCandidate("benefit", "", 1.0, 0, 10, explained=0.5)])
    classifier.process(m)
    assert procedures(m) == ["benefit"]


@pytest.mark.parametrize("text", ["thế lệ phí bao nhiêu", "làm giấy kết hôn ở đâu", "lam ho chieu mat bao lau"])
def test_no_procedure_for_follow_ups_and_procedures_we_do_not_hold(classifier: ProcedureClassifier, text: str) -> None:
    m = message(text)
    classifier.process(m)
    assert procedures(m) == []


def test_a_tie_retrieval_flagged_is_settled_when_the_whole_message_says_which(classifier: ProcedureClassifier) -> None:
    retrieved = Entity("procedure", "benefit", 0, 10, 0.9, "ProcedureResolver")
    ranked = [ProcedureCandidate("benefit", "", 0.9, 0, 10), ProcedureCandidate("terminate", "", 0.88, 0, 10)]
    m = message("cty mới nhận em đi làm mà em đang lãnh tiền thất nghiệp thì có phải báo không", [retrieved], ranked)
    m.procedure_ambiguous = True
    classifier.process(m)
    assert procedures(m) == ["terminate"] and not m.procedure_ambiguous


def test_a_tie_stays_a_question_when_the_classifier_is_not_sure() -> None:
    # The same tie with a classifier that needs certainty it never reaches on a few examples.
    unsure = ProcedureClassifier(min_probability=0.4, switch_probability=0.99, context_switch_probability=0.99)
    unsure.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    retrieved = Entity("procedure", "benefit", 0, 10, 0.9, "ProcedureResolver")
    ranked = [ProcedureCandidate("benefit", "", 0.9, 0, 10), ProcedureCandidate("terminate", "", 0.88, 0, 10)]
    m = message("trợ cấp thất nghiệp", [retrieved], ranked)
    m.procedure_ambiguous = True
    unsure.process(m)
    assert m.procedure_ambiguous and procedures(m) == ["benefit"]


def test_a_solver_that_stops_at_once_is_refitted_at_a_lower_tolerance() -> None:
    # 0.1 is above this data's first gradient (lbfgs returns at once), a tenth of it is not; the
    # portal's 532 records imported beside the curated entries did the same at the default 1e-3.
    refitted = ProcedureClassifier(tol=0.1)
    refitted.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    probabilities = refitted.probabilities("đang lãnh thất nghiệp thì có việc làm mới")
    assert max(probabilities, key=probabilities.__getitem__) == "terminate"


def test_a_solver_that_stops_before_learning_fails_loudly() -> None:
    # A tolerance above the first gradient: lbfgs returns at once, every class equally likely.
    broken = ProcedureClassifier(tol=1e3)
    with pytest.raises(RuntimeError, match="stopped before learning"):
        broken.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))


def test_a_tie_is_settled_only_when_the_choice_is_clearly_likelier_than_the_other_tied_one() -> None:
    """settle_probability with settle_ratio: the likeliest tied procedure must also be this many
    times likelier than the next tied one, or the citizen is asked which."""
    settling = ProcedureClassifier(settle_probability=0.4, settle_ratio=3.0)
    assert settling._settles("a", {"a": 0.5, "b": 0.1, "c": 0.4}, ["a", "b"])
    assert not settling._settles("a", {"a": 0.5, "b": 0.2, "c": 0.3}, ["a", "b"])  # 2.5 times only
    assert not settling._settles("a", {"a": 0.35, "b": 0.01}, ["a", "b"])  # not probable enough
    assert not settling._settles("a", {"a": 0.45, "c": 0.5}, ["a", "b"])  # another is likelier of all


def declined(text: str, ours: ProcedureCandidate, theirs: ProcedureCandidate) -> Message:
    m = message(text, ranked=[ours])
    m.procedure_not_held = theirs
    m.not_held_agency = "Bộ Công an"
    return m


STORY = "bà tôi nhận trợ cấp xã hội vừa mất, nhà có được hỗ trợ tiền mai táng không, mà làm hộ chiếu rồi"
BURIAL = ProcedureCandidate("burial", "Hỗ trợ chi phí mai táng", 0.8, 0, 60, explained=0.6)
PASSPORT = ProcedureCandidate("other:x:1", "Cấp hộ chiếu phổ thông", 1.0, 70, 82, explained=0.15)


def test_ours_is_kept_when_it_explains_more_and_the_whole_message_is_about_it() -> None:
    # A procedure we do not hold whose name fits fully ("hộ chiếu") but is an aside of the story.
    keeping = ProcedureClassifier(keep_ours_probability=0.5)
    keeping.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    m = declined(STORY, BURIAL, PASSPORT)
    keeping.process(m)
    assert procedures(m) == ["burial"]
    assert m.procedure_not_held is None and m.not_held_agency is None


def test_the_decline_stands_when_theirs_explains_as_much_or_the_classifier_is_not_sure() -> None:
    keeping = ProcedureClassifier(keep_ours_probability=0.5)
    keeping.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    explains_less = ProcedureCandidate("burial", "Hỗ trợ chi phí mai táng", 0.8, 0, 10, explained=0.1)
    m = declined(STORY, explains_less, PASSPORT)
    keeping.process(m)
    assert procedures(m) == [] and m.procedure_not_held is PASSPORT
    unsure = ProcedureClassifier(keep_ours_probability=0.999)
    unsure.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    m = declined(STORY, BURIAL, PASSPORT)
    unsure.process(m)
    assert procedures(m) == [] and m.procedure_not_held is PASSPORT


def test_a_message_about_theirs_stays_declined() -> None:
    keeping = ProcedureClassifier(keep_ours_probability=0.5)
    keeping.train(DATA, TrainingContext(Abbreviations({}), CATALOGUE, OTHERS, QUESTIONS))
    marriage = ProcedureCandidate("other:x:0", "Đăng ký kết hôn", 1.0, 0, 15, explained=0.3)
    weak_ours = ProcedureCandidate("burial", "Hỗ trợ chi phí mai táng", 0.4, 20, 30, explained=0.35)
    m = declined("làm giấy kết hôn cần giấy tờ gì, có mất tiền không", weak_ours, marriage)
    keeping.process(m)
    assert procedures(m) == [] and m.procedure_not_held is marriage


def test_no_guess_among_procedures_that_each_explain_every_word(classifier: ProcedureClassifier) -> None:
    # "thất nghiệp thì cần gì": both unemployment procedures account for all the user wrote; the
    # citizen is asked which, whatever the classifier's leaning.
    both = [ProcedureCandidate("benefit", "", 0.5, 0, 11, explained=1.0), ProcedureCandidate("terminate", "", 0.5, 0, 11, explained=1.0)]
    m = message("thất nghiệp thì cần gì", ranked=both)
    classifier.process(m)
    assert procedures(m) == []
    one_explains_more = [both[0], ProcedureCandidate("terminate", "", 0.5, 0, 11, explained=0.5)]
    m = message("lãnh thất nghiệp công ty cho nghỉ việc thì cần gì", ranked=one_explains_more)
    classifier.process(m)
    assert procedures(m) == ["benefit"]


def test_a_pick_that_accounts_for_a_sliver_of_the_message_yields_to_the_whole_message_s_reading() -> None:
    """Retrieval named "burial" for a few words of a long story that reads, whole, as "terminate"."""
    outweighing = ProcedureClassifier(min_probability=0.4, settle_ratio=3.0)
    outweighing._asked = frozenset({"benefit", "terminate", "burial"})
    picked = Entity("procedure", "burial", 0, 8, 1.0, "ProcedureResolver")

    def story(explained: float) -> Message:
        return message("một câu chuyện dài", [picked], [ProcedureCandidate("burial", "", 1.0, 0, 8, explained=explained)])

    reading = {"terminate": 0.6, "burial": 0.1, "benefit": 0.3}
    assert outweighing._outweighs_a_sliver(story(0.1), picked, reading) == "terminate"
    assert outweighing._outweighs_a_sliver(story(0.5), picked, reading) is None  # the pick accounts for much of it
    assert outweighing._outweighs_a_sliver(story(0.1), picked, {"terminate": 0.35, "burial": 0.05}) is None  # not probable
    assert outweighing._outweighs_a_sliver(story(0.1), picked, {"terminate": 0.5, "burial": 0.2}) is None  # not 3 times
