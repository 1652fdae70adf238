import pytest

from nlu.components.base import CatalogueEntry, TrainingContext
from nlu.components.procedure_resolver import ProcedureResolver
from nlu.message import Message
from nlu.normalize import Abbreviations, nfc
from nlu.training_data import load_nlu_data

CATALOGUE = [
    CatalogueEntry("permit_issue", "Cấp giấy phép lao động cho người lao động nước ngoài", "viec_lam",
                   aliases=("giấy phép lao động", "gplđ")),
    CatalogueEntry("permit_reissue", "Cấp lại giấy phép lao động cho người lao động nước ngoài", "viec_lam",
                   aliases=("cấp lại giấy phép lao động", "mất giấy phép lao động")),
    CatalogueEntry("permit_extension", "Gia hạn giấy phép lao động cho người lao động nước ngoài", "viec_lam",
                   aliases=("gia hạn giấy phép lao động",)),
    CatalogueEntry("unemployment", "Giải quyết hưởng trợ cấp thất nghiệp", "viec_lam",
                   aliases=("trợ cấp thất nghiệp", "tctn"), situations=("tôi vừa bị mất việc",)),
    CatalogueEntry("merit_death", "Giải quyết chế độ mai táng phí khi người có công từ trần", "nguoi_co_cong",
                   situations=("bố tôi là thương binh vừa mất",)),
]
FRAME = load_nlu_data({"nlu": [{"intent": "ask_documents", "examples": "\n".join(
    f"- {t}" for t in ["cần giấy tờ gì", "hồ sơ gồm những gì", "cần chuẩn bị giấy tờ gì ạ", "cho em hỏi cần giấy tờ gì",
                       "hồ sơ cần những gì", "làm cần giấy tờ gì", "thủ tục cần hồ sơ gì", "cần những giấy tờ nào"])}]})


@pytest.fixture(scope="module")
def resolver() -> ProcedureResolver:
    component = ProcedureResolver(min_score=0.35, ambiguity_margin=0.08)
    component.train(FRAME, TrainingContext(Abbreviations({"gplđ": "giấy phép lao động", "tctn": "trợ cấp thất nghiệp"}), CATALOGUE))
    return component


def resolve(resolver: ProcedureResolver, text: str) -> Message:
    message = Message(text=text, original=nfc(text))
    resolver.process(message)
    return message


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("làm giấy phép lao động cần giấy tờ gì", "permit_issue"),
        ("lam giay phep lao dong can giay to gi", "permit_issue"),
        ("hồ sơ gplđ gồm những gì", "permit_issue"),
        ("cấp lại giấy phép lao động", "permit_reissue"),
        ("gia han giay phep lao dong", "permit_extension"),
        ("ho so tctn gồm gì", "unemployment"),
        ("bố tôi là thương binh vừa mất thì sao", "merit_death"),
    ],
)
def test_resolves(resolver: ProcedureResolver, text: str, code: str) -> None:
    message = resolve(resolver, text)
    procedures = [e for e in message.entities if e.entity == "procedure"]
    assert procedures and procedures[0].value == code


def test_span_points_at_the_abbreviation(resolver: ProcedureResolver) -> None:
    message = resolve(resolver, "hồ sơ gplđ gồm những gì")
    entity = next(e for e in message.entities if e.entity == "procedure")
    assert message.original[entity.start : entity.end] == "gplđ"


def test_unknown_procedure_is_not_resolved(resolver: ProcedureResolver) -> None:
    message = resolve(resolver, "đăng ký kết hôn cần giấy tờ gì")
    assert not [e for e in message.entities if e.entity == "procedure"]
    assert len(message.topic_words) >= 2


def test_context_switch(resolver: ProcedureResolver) -> None:
    switched = resolver.candidates("còn gia hạn thì sao", context_code="permit_issue")
    assert switched and switched[0].code == "permit_extension"
    assert resolver.candidates("thế cần giấy tờ gì", context_code="permit_issue") == []


def test_ranking_is_scored_and_sorted(resolver: ProcedureResolver) -> None:
    ranked = resolve(resolver, "giấy phép lao động").procedures
    assert ranked[0].code == "permit_issue"
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)


def test_one_character_typo_is_forgiven(resolver: ProcedureResolver) -> None:
    assert resolver.index.correct("ngiep") == "nghiep"
    message = resolve(resolver, "ho so tro cap that ngiep")
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["unemployment"]


def test_unknown_words_are_not_corrected_into_procedures(resolver: ProcedureResolver) -> None:
    assert resolver.index.correct("xyzab") == "xyzab"


def test_abbreviation_typed_one_key_off(resolver: ProcedureResolver) -> None:
    message = resolve(resolver, "ho so gpdl gom gi")  # "gplđ" with two letters swapped
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["permit_issue"]


OTHERS = [
    CatalogueEntry("other:test:0", "Đăng ký kết hôn", "Bộ Tư pháp", aliases=("làm giấy kết hôn",)),
    CatalogueEntry("other:test:1", "Cấp giấy phép lái xe", "Bộ Công an", aliases=("bằng lái xe",)),
    CatalogueEntry("other:test:2", "Báo tin trẻ em bị xâm hại", "Tổng đài 111", aliases=("trẻ em bị bạo hành",),
                   note="gọi ngay Tổng đài 111"),
]


@pytest.fixture(scope="module")
def open_set_resolver() -> ProcedureResolver:
    component = ProcedureResolver(min_score=0.35, ambiguity_margin=0.08)
    component.train(FRAME, TrainingContext(Abbreviations({"gplđ": "giấy phép lao động"}), CATALOGUE, OTHERS))
    return component


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("cho hỏi đăng ký kết hôn cần giấy tờ gì", "Đăng ký kết hôn"),
        ("dang ky ket hon o dau", "Đăng ký kết hôn"),
        # "giấy phép" is shared with the work permit; "lái xe" decides.
        ("giấy phép lái xe làm ở đâu", "Cấp giấy phép lái xe"),
    ],
)
def test_a_procedure_we_do_not_hold_is_not_answered_with_a_neighbour(
    open_set_resolver: ProcedureResolver, text: str, name: str
) -> None:
    message = resolve(open_set_resolver, text)
    assert not [e for e in message.entities if e.entity == "procedure"]
    assert message.procedure_not_held is not None and message.procedure_not_held.name == name
    assert all(not c.code.startswith("other:") for c in message.procedures)


def test_catalogue_procedures_still_win_beside_the_others(open_set_resolver: ProcedureResolver) -> None:
    message = resolve(open_set_resolver, "giấy phép lao động cần giấy tờ gì")
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["permit_issue"]
    assert message.procedure_not_held is None


def test_a_referral_carries_where_to_turn(open_set_resolver: ProcedureResolver) -> None:
    parse = resolve(open_set_resolver, "phát hiện trẻ em bị bạo hành thì báo ai").as_parse_result()
    assert parse["procedure_not_held"]["note"] == "gọi ngay Tổng đài 111"


def test_imported_names_stop_being_negatives() -> None:
    """Once a ministry's records are in the catalogue, their names are answered, not declined."""
    held = [*CATALOGUE, CatalogueEntry("marriage", "Đăng ký kết hôn", "ho_tich")]
    component = ProcedureResolver(min_score=0.35)
    component.train(FRAME, TrainingContext(Abbreviations({}), held, OTHERS))
    message = resolve(component, "đăng ký kết hôn cần giấy tờ gì")
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["marriage"]


def test_the_more_specific_sibling_comes_first(resolver: ProcedureResolver) -> None:
    """Both fit "giấy phép lao động"; only the reissue explains "cấp lại"."""
    message = resolve(resolver, "gplđ bị rách, xin cấp lại thì sao")
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["permit_reissue"]


def test_no_name_is_read_across_punctuation(resolver: ProcedureResolver) -> None:
    """ "...thất, nghiệp vụ" holds no "thất nghiệp": adjacent syllables on both sides of a comma are
    no phrase of a name, and the mention is never a run over it."""
    joined = resolve(resolver, "hỏi về trợ cấp thất nghiệp")
    split = resolve(resolver, "tôi bị tổn thất, nghiệp vụ kế toán của công ty thì hỏi ai")
    scores = {c.code: c.score for c in split.procedures}
    assert [e.value for e in joined.entities if e.entity == "procedure"] == ["unemployment"]
    assert scores.get("unemployment", 0.0) < 0.35


def test_posting_lists_name_the_phrases_holding_a_gram(resolver: ProcedureResolver) -> None:
    index = resolver.index
    for gram in ["lao", "lao dong", "giay phep"]:
        expected = [i for i, phrase in enumerate(index.phrases) if gram in phrase.grams]
        assert expected and index.postings(gram).tolist() == expected
    assert index.postings("khong co tu nay").tolist() == []


def test_a_tie_is_settled_by_the_procedure_the_question_names() -> None:
    # Both names are in the message; the story names the allowance being drawn, the question the
    # funeral support asked about.
    catalogue = [
        CatalogueEntry("monthly_allowance", "Trợ cấp xã hội hằng tháng", "bao_tro_xa_hoi",
                       aliases=("trợ cấp xã hội hằng tháng", "trợ cấp hằng tháng")),
        CatalogueEntry("funeral_support", "Hỗ trợ chi phí mai táng", "bao_tro_xa_hoi",
                       aliases=("hỗ trợ mai táng", "tiền mai táng", "chi phí mai táng")),
    ]
    component = ProcedureResolver(min_score=0.35, ambiguity_margin=0.08)
    component.train(FRAME, TrainingContext(Abbreviations({}), catalogue))
    both = "trợ cấp hằng tháng hay tiền mai táng cần giấy tờ gì"
    assert resolve(component, both).procedure_ambiguous  # one clause naming both: still asked
    story_then_question = "bà tôi đang hưởng trợ cấp hằng tháng, mới mất hôm qua, nhà xin tiền mai táng ở đâu"
    message = resolve(component, story_then_question)
    assert not message.procedure_ambiguous
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["funeral_support"]
    assert message.procedures[0].code == "funeral_support"
    the_other_way = "nhà đã lo tiền mai táng cho ông rồi, còn bà tôi xin trợ cấp hằng tháng thì làm sao"
    message = resolve(component, the_other_way)
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["monthly_allowance"]


def _mention(text: str, code: str) -> str:
    return f'[{text}]{{"entity": "procedure", "value": "{code}"}}'


# "qua mạng" surrounds the names of three of ours: question wording, whatever else shares it.
WORDING = load_nlu_data({"nlu": [{"intent": "ask_where_to_submit", "examples": "\n".join(
    f"- {t}" for t in [
        f"{_mention('gplđ', 'permit_issue')} nộp qua mạng được không",
        f"{_mention('trợ cấp thất nghiệp', 'unemployment')} nộp qua mạng được không",
        f"{_mention('gia hạn giấy phép lao động', 'permit_extension')} có nộp qua mạng được không",
    ])}]})
FOLLOWUP_OTHERS = [
    CatalogueEntry("other:test:3", "Đăng ký khai tử", "Bộ Tư pháp", aliases=("làm giấy chứng tử",)),
    CatalogueEntry("other:test:4", "Trình báo lừa đảo chiếm đoạt tài sản qua mạng", "Bộ Công an"),
]


@pytest.fixture(scope="module")
def followup_resolver() -> ProcedureResolver:
    component = ProcedureResolver(min_score=0.35, not_held_score=0.95, followup_not_held_score=0.1)
    component.train(WORDING, TrainingContext(Abbreviations({"gplđ": "giấy phép lao động"}), CATALOGUE, FOLLOWUP_OTHERS))
    return component


@pytest.mark.parametrize("text", ["thế còn khai tử thì sao", "vậy khai tử thì làm thế nào"])
def test_a_follow_up_naming_a_procedure_we_do_not_hold_is_recognised_below_the_first_message_score(
    followup_resolver: ProcedureResolver, text: str
) -> None:
    parse = resolve(followup_resolver, text).as_parse_result()
    assert parse["procedure_not_held"] is None  # as a first message it is too weak
    assert parse["procedure_not_held_in_context"]["name"] == "Đăng ký khai tử"


@pytest.mark.parametrize("text", ["nộp qua mạng được không", "vậy gửi qua mạng có được không ạ"])
def test_question_wording_shared_with_a_procedure_we_do_not_hold_names_nothing(
    followup_resolver: ProcedureResolver, text: str
) -> None:
    assert resolve(followup_resolver, text).as_parse_result()["procedure_not_held_in_context"] is None


def test_a_close_second_is_chosen_when_the_question_names_it_alone() -> None:
    # Not a tie: the story names the allowance in full, the question the funeral support by the
    # shorter of its names; the question still decides.
    catalogue = [
        CatalogueEntry("monthly_allowance", "Trợ cấp xã hội hằng tháng", "bao_tro_xa_hoi",
                       aliases=("trợ cấp xã hội hằng tháng",)),
        CatalogueEntry("funeral_support", "Hỗ trợ chi phí mai táng", "bao_tro_xa_hoi",
                       aliases=("tiền mai táng",)),
    ]
    component = ProcedureResolver(min_score=0.35, ambiguity_margin=0.08)
    component.train(FRAME, TrainingContext(Abbreviations({}), catalogue))
    text = "chú tôi lãnh trợ cấp xã hội hằng tháng, tuần rồi qua đời, thì nhà có được tiền mai táng không"
    message = resolve(component, text)
    scores = {c.code: c.score for c in message.procedures}
    assert scores["monthly_allowance"] - scores["funeral_support"] >= 0.08  # no tie to settle
    assert [e.value for e in message.entities if e.entity == "procedure"] == ["funeral_support"]
    alone = resolve(component, "chú tôi lãnh trợ cấp xã hội hằng tháng thì có được tăng không")
    assert [e.value for e in alone.entities if e.entity == "procedure"] == ["monthly_allowance"]
