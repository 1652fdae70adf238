"""Agent assist: ranked suggestions with calibrated confidence and sources; "unsure" instead of a guess;
the conversation's context; the calibration itself."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

import pytest

from bot.messages import UserMessage
from bot.service import Service
from bot.settings import Settings
from console.assist import Suggester
from console.calibration import IsotonicMap, fit, load_or_fit
from nlu.training_data import load_nlu_files


@pytest.fixture(scope="module")
def suggester(open_settings: Settings, open_service: Service) -> Suggester:
    built = Suggester(
        interpreter=open_service.interpreter,
        catalogue=open_service.catalogue,
        trackers=open_service.agent.store,
        slot_names=open_service.domain.slot_names,
        min_confidence=open_settings.console.assist.min_confidence,
    )
    model_dir = open_settings.path(open_settings.model.dir) / open_service.interpreter.fingerprint
    built.calibrator = load_or_fit(
        built, model_dir=model_dir, data_file=open_settings.path("nlu/data/test.yml")
    )
    return built


def test_a_clear_question_gets_the_bots_answer_first_with_its_sources(suggester: Suggester) -> None:
    result = suggester.suggest("lệ phí cấp giấy phép lao động cho người nước ngoài là bao nhiêu")
    assert not result.unsure
    best = result.suggestions[0]
    assert (best.procedure, best.aspect) == ("work_permit_issue", "ask_fee")
    assert best.text.startswith('Dạ, về thủ tục "Cấp giấy phép lao động') and "Phí, lệ phí:" in best.text
    confidences = [s.confidence for s in result.suggestions]
    assert confidences == sorted(confidences, reverse=True) and 0.5 <= confidences[0] <= 1.0
    assert len(result.suggestions) <= 3
    catalogue, *laws = best.sources
    assert (
        catalogue["kind"] == "catalogue"
        and catalogue["url"].startswith("https://")
        and catalogue["checked_on"]
    )
    assert laws and all(law["kind"] == "legal_basis" and law["number"] for law in laws)


def test_a_question_answered_by_a_fact_cites_its_article(suggester: Suggester) -> None:
    result = suggester.suggest("em nghi viec 5 thang roi moi nop ho so that nghiep co duoc ko")
    assert not result.unsure
    best = result.suggestions[0]
    assert best.procedure == "unemployment_benefit"
    cited = [s["article"] for s in best.sources if s.get("article")]
    assert cited and f"(Căn cứ: {cited[0]})" in best.text  # the fact's own reference, as the chat says it


def test_a_procedure_not_in_the_catalogue_is_unsure_never_answered(suggester: Suggester) -> None:
    result = suggester.suggest("đăng ký kết hôn cần những giấy tờ gì")
    assert result.unsure and result.suggestions == [] and result.reason == "not_in_catalogue"


def test_a_vague_question_is_unsure_with_the_closest_procedures(suggester: Suggester) -> None:
    result = suggester.suggest("liệt sĩ thì cần giấy tờ gì")
    assert result.unsure and result.suggestions == [] and result.reason == "low_confidence"
    # Only the martyrs' procedures are worth looking at: which one is the question.
    assert len(result.closest) >= 2 and all(c["code"].startswith("martyr_") for c in result.closest)
    greeting = suggester.suggest("xin chào")
    assert greeting.unsure and greeting.closest == []  # nothing to look at: no procedure was asked about


def test_with_a_conversation_the_follow_up_is_about_its_procedure(
    suggester: Suggester, open_service: Service
) -> None:
    caller = f"rest-assist-{uuid.uuid4().hex[:8]}"
    asyncio.run(
        open_service.agent.handle(UserMessage("hồ sơ gia hạn giấy phép lao động gồm những gì", caller))
    )
    alone = suggester.suggest("thế lệ phí bao nhiêu?")
    assert alone.unsure
    in_context = suggester.suggest("thế lệ phí bao nhiêu?", caller)
    assert not in_context.unsure and in_context.context_procedure == "work_permit_extension"
    assert (in_context.suggestions[0].procedure, in_context.suggestions[0].aspect) == (
        "work_permit_extension",
        "ask_fee",
    )


def test_the_calibration_is_monotone_and_better_than_the_raw_score(
    suggester: Suggester, open_settings: Settings
) -> None:
    examples = load_nlu_files([open_settings.path("nlu/data/test.yml")]).examples
    mapping, report = fit(suggester, examples[:200])
    assert list(mapping.ys) == sorted(mapping.ys) and all(0.0 <= y <= 1.0 for y in mapping.ys)
    assert report["utterances"] == 200 and report["right_candidates"] > 0
    # Fitted on half the utterances, it predicts the other half better than the raw score does.
    assert report["ece_calibrated_on_second_half"] < report["ece_raw_on_second_half"]


def test_the_calibration_is_cached_beside_the_model(
    suggester: Suggester, tmp_path: Path, open_settings: Settings
) -> None:
    data = tmp_path / "small.yml"
    data.write_text(
        'version: "3.1"\nnlu:\n- intent: ask_fee\n  examples: |\n'
        '    - lệ phí [cấp giấy phép lao động]{"entity": "procedure", "value": "work_permit_issue"} bao nhiêu\n'
        "    - thế lệ phí?\n",
        encoding="utf-8",
    )
    first = load_or_fit(suggester, model_dir=tmp_path / "model", data_file=data)
    cached = list((tmp_path / "model").glob("assist_calibration-*.json"))
    assert len(cached) == 1
    assert load_or_fit(suggester, model_dir=tmp_path / "model", data_file=data) == first
    assert isinstance(first, IsotonicMap)
