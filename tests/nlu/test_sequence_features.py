"""Per-token features of the entity sequence model: the far words as a bag, the question's opening."""

from __future__ import annotations

from nlu.components.sequence_features import featurize, tokens


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
