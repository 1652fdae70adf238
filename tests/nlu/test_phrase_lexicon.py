"""Known phrases in a text: leftmost-longest, none overlapping, whichever word they start with."""

from __future__ import annotations

from nlu.components.phrase_lexicon import PhraseLexicon
from nlu.training_data import load_nlu_data


def test_the_longest_phrase_at_each_word_is_found_and_words_starting_none_are_skipped() -> None:
    data = load_nlu_data({"nlu": [{"intent": "ask", "examples": "".join(
        f"- {line}\n" for line in [
            "hỏi về [người có công](field)",
            "hỏi về [người có công với cách mạng](field)",
            "chế độ [thương binh](group) thế nào",
            "ở [Hà Nội](city) làm ở đâu",
        ]
    )}]})
    lexicon = PhraseLexicon.learn(data, skip=set())
    found = lexicon.matches("ba toi la nguoi co cong voi cach mang, thuong binh o ha noi va nguoi co cong")
    assert [m.key for m in found] == ["nguoi co cong voi cach mang", "thuong binh", "ha noi", "nguoi co cong"]
    assert found[0].shares == (("field", 1.0),)
    assert lexicon.matches("khong co gi ca") == []
