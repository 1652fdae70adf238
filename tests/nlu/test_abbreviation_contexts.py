from pathlib import Path

from nlu.abbreviation_contexts import AbbreviationContexts
from nlu.normalize import Abbreviations, fold
from nlu.procedure_index import query_tokens
from nlu.tokenize import syllables

ROOT = Path(__file__).resolve().parents[2]

OWN_TEXT = [
    "đăng ký hưởng trợ cấp thất nghiệp ở đâu",
    "đang lãnh thất nghiệp thì có được đi học nghề không",
    "hồ sơ hưởng thất nghiệp gồm những gì",
    "muốn lãnh thất nghiệp phải đóng bảo hiểm bao lâu",
    "hưởng thất nghiệp mấy tháng",
    "nghỉ việc rồi lãnh thất nghiệp được không",
    "mẹ tôi 80 tuổi chưa có lương hưu",
    "bố tôi năm nay 75 tuổi được trợ cấp gì",
    "con tôi 16 tuổi đi làm được không",
    "tin nhắn báo kết quả gửi về số nào",
]


def _readings() -> AbbreviationContexts:
    return AbbreviationContexts({"tn": ["thất nghiệp", "tin nhắn", "tuổi"]}).learn(OWN_TEXT)


def _choose(contexts: AbbreviationContexts, text: str) -> str | None:
    words = syllables(fold(text))
    return contexts.choose("tn", words, words.index("tn"))


def test_the_neighbours_choose_the_reading() -> None:
    contexts = _readings()
    assert _choose(contexts, "e dang lanh tn ma co viec moi") == "thất nghiệp"
    assert _choose(contexts, "ho so huong tn nop o dau") == "thất nghiệp"
    assert _choose(contexts, "ba noi 78 tn roi") == "tuổi"


def test_a_token_without_telling_neighbours_stays_as_typed() -> None:
    contexts = _readings()
    assert _choose(contexts, "tn") is None
    assert _choose(contexts, "xem giup tn nay") is None


def test_nothing_is_chosen_before_learning() -> None:
    untrained = AbbreviationContexts({"tn": ["thất nghiệp", "tuổi"]})
    words = ["lanh", "tn"]
    assert untrained.choose("tn", words, 1) is None


def test_readings_that_fold_alike_are_never_chosen() -> None:
    # "tháng" and "thằng" fold to the same word: the project's text cannot tell them apart.
    contexts = AbbreviationContexts({"thg": ["tháng", "thằng"]}).learn(["mỗi tháng được bao nhiêu", "thằng bé 7 tuổi"])
    words = ["moi", "thg", "duoc", "bao", "nhieu"]
    assert contexts.choose("thg", words, 1) is None


def test_retrieval_reads_an_ambiguous_token_in_place_and_the_classifiers_see_it_as_typed() -> None:
    abbreviations = Abbreviations({"ko": "không"}, {"tn": ["thất nghiệp", "tin nhắn", "tuổi"]}).learned(OWN_TEXT)
    tokens = [t.syllable for t in query_tokens("dc lanh tn ko", abbreviations)]
    assert tokens == ["dc", "lanh", "that", "nghiep", "khong"]
    assert abbreviations.expand("dc lanh tn ko") == "dc lanh tn không"


def test_the_project_table_lists_its_ambiguous_tokens_and_learns_them() -> None:
    table = Abbreviations.from_file(ROOT / "nlu" / "data" / "abbreviations.yml")
    assert table.get("tn") is None  # never expanded blindly
    learned = table.learned(OWN_TEXT)
    words = syllables(fold("nghi viec roi muon lanh tn"))
    assert learned.reading(words, len(words) - 1) == "thất nghiệp"
