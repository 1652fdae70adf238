"""The span role model: the role of a tagged span from the whole sentence and the other spans."""

from __future__ import annotations

from nlu.components.span_roles import NO_ROLE, SpanRoleModel, span_features


def test_features_see_far_words_and_the_other_spans() -> None:
    words = ["bay", "tu", "thanh", "pho", "ho", "chi", "minh", "va", "ha", "canh", "o", "hue", "vao", "buoi", "sang"]
    spans = [(2, 6, "city"), (11, 11, "city"), (13, 14, "period")]
    features = span_features(words, spans, 2)
    assert "L1=vao" in features and "Lfar=canh" in features  # "cánh" is five words back
    assert {"oL1=vao", "oL2=o", "oL3=canh"} <= set(features)  # past the city "huế"
    assert "prev_type=city" in features and "next_type=$" in features
    second_city = span_features(words, spans, 1)
    assert "same_before=1" in second_city and "same_before=0" in span_features(words, spans, 0)


def _rows() -> list[tuple[list[str], str, str]]:
    rows = []
    for city in ["hue", "vinh", "da lat", "ca mau", "pleiku"]:
        for cue, role in [("tu", "from"), ("den", "to")]:
            words = ["bay", cue, *city.split()]
            rows.append((span_features(words, [(2, len(words) - 1, "city")], 0), "city", role))
        words = ["thoi", "tiet", *city.split()]
        rows.append((span_features(words, [(2, len(words) - 1, "place")], 0), "place", NO_ROLE))
    return rows


def test_roles_are_learned_and_kept_to_those_seen_with_the_type() -> None:
    model = SpanRoleModel.fit(_rows())
    assert model.role(span_features(["bay", "tu", "sa", "pa"], [(2, 3, "city")], 0), "city")[0] == "from"
    assert model.role(span_features(["bay", "den", "sa", "pa"], [(2, 3, "city")], 0), "city")[0] == "to"
    assert model.role(span_features(["bay", "tu", "sa", "pa"], [(2, 3, "place")], 0), "place") == (NO_ROLE, 1.0)
    assert model.role(["type=unknown"], "unknown") == (NO_ROLE, 1.0)


def test_a_data_set_whose_types_have_one_role_each_learns_nothing() -> None:
    rows = [(["type=city", "L1=tu"], "city", "from"), (["type=day"], "day", NO_ROLE)]
    model = SpanRoleModel.fit(rows)
    assert model.role(["type=city"], "city") == ("from", 1.0)
    assert model.role(["type=day"], "day") == (NO_ROLE, 1.0)


def test_with_roles_a_span_sees_the_roles_before_it_and_the_sentence() -> None:
    # "giữa huế và vinh ... hạ cánh": the second city's role follows the first's; "hạ cánh" anywhere
    words = ["giua", "hue", "va", "vinh", "ha", "canh", "luc", "5", "gio"]
    spans = [(1, 1, "city"), (3, 3, "city"), (7, 8, "time")]
    plain = span_features(words, spans, 1)
    assert not any(f.startswith(("prev_role=", "S=")) for f in plain)  # without roles: as before
    features = span_features(words, spans, 2, ["fromloc", "toloc"])
    assert "prev_role=toloc" in features and "prev_same_role=^" in features
    assert {"S=ha", "S=canh", "S=giua"} <= set(features) and "S=hue" not in features  # outside spans
    second = span_features(words, spans, 1, ["fromloc"])
    assert "prev_same_role=fromloc" in second and "type_prev_same_role=city|fromloc" in second
