"""Per-token features of the entity sequence model: the far words as a bag, the question's opening,
the words outside the dictionary's phrases."""

from __future__ import annotations

from nlu.components.phrase_lexicon import PhraseMatch
from nlu.components.sequence_features import featurize, tokens
from nlu.normalize import fold


def _features(text: str) -> list[list[str]]:
    return featurize(tokens(text), [], [], text, wide=True)


def test_words_beyond_the_window_are_a_bag_by_side() -> None:
    text = "chuyến bay hạ cánh xuống sân bay Đà Nẵng lúc mấy giờ vào thứ hai"
    features = _features(text)
    last = features[-1]  # "hai": "Nẵng" is 6 tokens back, "sân" 9
    assert "L=nang" in last and "L=da" in last
    assert "L=san" not in last  # farther than eight
    assert "L=gio" not in last  # three back: a positional feature
    assert not any(f.startswith("R=") for f in last)
    assert "R=nang" in features[0] and "R=luc" not in features[0]


def test_near_words_stay_positional_not_in_the_bag() -> None:
    features = _features("từ Hà Nội đến Huế")
    assert "-1:f=tu" in features[1] and "L=tu" not in features[1]


def test_every_token_knows_how_the_sentence_opens() -> None:
    features = _features("giá vé từ Hà Nội đi Huế")
    assert all("first=gia" in f and "first2=gia_ve" in f for f in features)


def test_features_are_repeatable() -> None:
    text = "vé rẻ nhất từ Hà Nội đi Huế vào sáng thứ hai tuần sau"
    assert _features(text) == _features(text)


def test_the_wide_context_can_be_left_out() -> None:
    text = "chuyến bay hạ cánh xuống sân bay Đà Nẵng lúc mấy giờ"
    narrow = featurize(tokens(text), [], [], text)
    assert not any(f.startswith(("L=", "R=", "first")) for token in narrow for f in token)
    assert all(set(n) <= set(w) for n, w in zip(narrow, _features(text)))


def _lexicon_phrases(text: str, *phrases: str) -> list[PhraseMatch]:
    folded = fold(text)
    found = []
    for phrase in phrases:
        start = folded.index(fold(phrase))
        found.append(PhraseMatch(start, start + len(phrase), fold(phrase), (("city_name", 1.0),)))
    return found


def test_outer_context_looks_past_the_dictionarys_phrases() -> None:
    text = "đến thành phố hồ chí minh vào khoảng 6 giờ"
    phrases = _lexicon_phrases(text, "thành phố hồ chí minh")
    features = featurize(tokens(text), phrases, [], text, outer=3)
    six = features[tokens(text).index(next(t for t in tokens(text) if t.text == "6"))]
    assert {"oL1=khoang", "oL2=vao", "oL3=den", "oL12=khoang_vao"} <= set(six)  # the city is skipped
    city = features[1:6]  # every syllable of the city looks out from the city's ends
    assert all("oL1=den" in f and "oR1=vao" in f and "oR2=khoang" in f for f in city)


def test_outer_context_is_off_unless_asked() -> None:
    text = "đến thành phố hồ chí minh vào khoảng 6 giờ"
    features = featurize(tokens(text), _lexicon_phrases(text, "thành phố hồ chí minh"), [], text)
    assert not any(f.startswith(("oL", "oR")) for token in features for f in token)
