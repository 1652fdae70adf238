"""Conversations as a citizen has them, through the REST channel."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid

from fastapi.testclient import TestClient

from actions.render import ASPECT_HEADINGS
from bot.agent import Agent
from bot.messages import UserMessage
from bot.service import Service, build_service
from bot.settings import Settings
from tests.conftest import joined, say

WORK_PERMIT = "Cấp giấy phép lao động đối với người lao động nước ngoài"
EXTENSION = "Gia hạn giấy phép lao động"


def sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


def test_multi_turn_with_context_and_topic_switch(client: TestClient) -> None:
    user = sender()
    assert "chào" in joined(say(client, user, "xin chào")).lower()

    documents = joined(say(client, user, "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì"))
    assert WORK_PERMIT in documents
    assert "Hồ sơ gồm" in documents
    assert "1. " in documents and "Căn cứ pháp lý" in documents and "Nguồn:" in documents

    fee = joined(say(client, user, "thế lệ phí bao nhiêu?"))
    assert WORK_PERMIT in fee and "Phí, lệ phí" in fee

    switched = joined(say(client, user, "còn gia hạn thì sao"))
    assert EXTENSION in switched
    assert "Phí, lệ phí" in switched  # the same question, about the procedure just named

    assert "không có gì" in joined(say(client, user, "cảm ơn")).lower()


def test_without_diacritics_gives_the_same_answer(client: TestClient) -> None:
    plain = joined(say(client, sender(), "lam giay phep lao dong can giay to gi"))
    marked = joined(say(client, sender(), "làm giấy phép lao động cần giấy tờ gì"))
    assert WORK_PERMIT in plain
    assert plain == marked


def test_abbreviations_and_teencode(client: TestClient) -> None:
    reply = joined(say(client, sender(), "cho e hỏi hồ sơ tctn gồm j ạ"))
    assert "Giải quyết hưởng trợ cấp thất nghiệp" in reply
    assert "Hồ sơ gồm" in reply


def test_question_without_procedure_asks_then_answers(client: TestClient) -> None:
    user = sender()
    ask = joined(say(client, user, "lệ phí bao nhiêu vậy"))
    assert "thủ tục nào" in ask
    answer = joined(say(client, user, "trợ cấp thất nghiệp"))
    assert "Giải quyết hưởng trợ cấp thất nghiệp" in answer and "Phí, lệ phí" in answer


def test_procedure_not_in_catalogue_is_not_answered_with_another(client: TestClient) -> None:
    user = sender()
    say(client, user, "làm giấy phép lao động cần giấy tờ gì")
    reply = say(client, user, "đăng ký kết hôn cần giấy tờ gì")
    text = joined(reply)
    assert "chưa có trong danh mục" in text and "dichvucong.gov.vn" in text
    assert WORK_PERMIT not in text.split("Nếu anh/chị vẫn hỏi")[0]
    # The way back to the previous procedure is a button, not a guess.
    assert reply[0]["buttons"][0]["payload"].startswith("/ask_documents")


def test_low_confidence_falls_back_with_buttons(service: Service) -> None:
    # A threshold above any confidence makes every reading "unsure": the mechanism, not a sentence.
    strict = Agent(
        interpreter=service.agent.interpreter, domain=service.agent.domain, policy=service.agent.policy,
        store=service.agent.store, actions=service.agent.actions,
        config=dataclasses.replace(service.agent.config, fallback_threshold=1.01, known_procedure_threshold=1.01),
    )
    replies = asyncio.run(strict.handle(UserMessage(text="cho em hỏi cái này với ạ", sender_id=sender())))
    assert "chưa chắc đã hiểu" in (replies[0].text or "")
    assert 2 <= len(replies[0].buttons) <= 3
    payloads = [b["payload"] for b in replies[0].buttons]
    assert all(p.startswith(("/ask_", "/list_", "/check_", "/request_human")) for p in payloads), payloads
    # Unsure of the question but sure of the procedure: its menu, which names it, so one click answers.
    replies = asyncio.run(strict.handle(UserMessage(text="hồ sơ gia hạn giấy phép lao động", sender_id=sender())))
    assert 'về thủ tục "Gia hạn giấy phép lao động' in (replies[0].text or "")
    assert replies[0].buttons and all('"procedure": "work_permit_extension"' in b["payload"] for b in replies[0].buttons), replies[0].buttons


def test_torn_between_two_aspects_answers_both(service: Service) -> None:
    # "Never sure" makes the runner-up aspect be answered too; "always sure" only the likeliest.
    def agent(sure: float) -> Agent:
        config = dataclasses.replace(service.agent.config, sure_aspect_probability=sure, second_aspect_probability=0.0)
        return Agent(
            interpreter=service.agent.interpreter, domain=service.agent.domain, policy=service.agent.policy,
            store=service.agent.store, actions=service.agent.actions, config=config,
        )

    text = "lệ phí gia hạn giấy phép lao động bao nhiêu"
    ranking = service.agent.interpreter.parse(text).intent_ranking
    assert ranking[0].name == "ask_fee" and ranking[1].name in ASPECT_HEADINGS
    runner_up = ASPECT_HEADINGS[ranking[1].name]

    def reply(sure: float) -> str:
        replies = asyncio.run(agent(sure).handle(UserMessage(text=text, sender_id=sender())))
        return "\n".join(r.text or "" for r in replies)

    torn, sure = reply(1.01), reply(0.0)
    assert "Phí, lệ phí" in torn and any(heading in torn for heading in runner_up)
    assert "Phí, lệ phí" in sure and not any(heading in sure for heading in runner_up)


def test_gibberish_gets_a_polite_reply(client: TestClient) -> None:
    text = joined(say(client, sender(), "abc xyz qwe"))
    assert text.startswith("Dạ")


def test_button_payload_is_understood(client: TestClient) -> None:
    reply = joined(say(client, sender(), '/ask_processing_time{"procedure": "work_permit_extension"}'))
    assert EXTENSION in reply and "Thời hạn giải quyết" in reply


def test_list_procedures_of_a_field(client: TestClient) -> None:
    reply = joined(say(client, sender(), "lĩnh vực người có công có những thủ tục nào"))
    assert "Người có công" in reply
    assert "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ" in reply


def test_situation_names_the_procedure(client: TestClient) -> None:
    reply = joined(say(client, sender(), "bố tôi là thương binh vừa mất, gia đình cần làm hồ sơ gì"))
    assert "mai táng phí" in reply


def test_small_talk(client: TestClient) -> None:
    assert "trợ lý ảo" in joined(say(client, sender(), "bạn là người hay máy vậy"))
    assert "tổng đài" in joined(say(client, sender(), "cho tôi gặp tổng đài viên"))


def test_restart_resumes_the_conversation(settings: Settings, service: Service) -> None:
    user = sender()

    async def talk(target: Service, text: str) -> str:
        replies = await target.agent.handle(UserMessage(text=text, sender_id=user))
        return "\n".join(r.text or "" for r in replies)

    first = asyncio.run(talk(service, "hồ sơ gia hạn giấy phép lao động gồm những gì"))
    assert EXTENSION in first
    restarted = build_service(settings)  # a new process would do the same: same database, cached model
    assert restarted.started_seconds < 30
    follow_up = asyncio.run(talk(restarted, "thế lệ phí bao nhiêu?"))
    assert EXTENSION in follow_up and "Phí, lệ phí" in follow_up


def test_session_expires(service: Service) -> None:
    user = sender()

    async def talk(text: str) -> str:
        replies = await service.agent.handle(UserMessage(text=text, sender_id=user))
        return "\n".join(r.text or "" for r in replies)

    asyncio.run(talk("hồ sơ gia hạn giấy phép lao động gồm những gì"))
    real_clock = service.agent._clock
    service.agent._clock = lambda: real_clock() + 2 * 3600
    try:
        later = asyncio.run(talk("lệ phí bao nhiêu"))
    finally:
        service.agent._clock = real_clock
    assert "thủ tục nào" in later  # the old procedure did not survive the expired session
    events = [e["event"] for e in service.agent.store.retrieve(user).events]
    assert events.count("session_started") == 2


def test_two_questions_in_one_message(client: TestClient) -> None:
    reply = joined(say(client, sender(), "hồ sơ gia hạn giấy phép lao động gồm những gì, lệ phí bao nhiêu?"))
    assert EXTENSION in reply
    assert "Hồ sơ gồm" in reply and "Phí, lệ phí" in reply


def test_procedure_named_by_its_national_code(client: TestClient) -> None:
    reply = joined(say(client, sender(), "thủ tục 1.001978 cần giấy tờ gì"))
    assert reply.startswith('Dạ, về thủ tục "Giải quyết hưởng trợ cấp thất nghiệp"')


def test_a_story_naming_our_procedure_is_answered_not_taken_for_a_complaint(service: Service) -> None:
    # The plan for a message that names one of our procedures but reads, to the intent classifier,
    # as a (not sure) complaint or as chit-chat: the likeliest question about the procedure.
    resolved = {"status": "resolved", "code": "work_permit_extension"}
    ranking = [
        {"name": "complain", "confidence": 0.55}, {"name": "ask_where_to_submit", "confidence": 0.3},
        {"name": "ask_fee", "confidence": 0.15},
    ]
    parse = {"text": "sếp người Nhật sắp hết hạn giấy phép mà tôi rối quá, gia hạn thì nộp chỗ nào",
             "intent_ranking": ranking, "procedure_resolution": resolved}
    plan = service.agent._plan_intent("complain", 0.55, parse)
    assert plan[0] == service.agent.policy.actions_for("ask_where_to_submit")[0]
    # With no aspect worth answering, the question the message asks outright ("nộp chỗ nào") …
    chit_chat = [{"name": "out_of_scope", "confidence": 0.9}, {"name": "ask_fee", "confidence": 0.05}]
    plan = service.agent._plan_intent("out_of_scope", 0.9, {**parse, "intent_ranking": chit_chat})
    assert plan[0] == service.agent.policy.actions_for("ask_where_to_submit")[0]
    # … and when it asks nothing outright, the procedure's menu, never "please rephrase".
    story = {**parse, "intent_ranking": chit_chat, "text": "sếp người Nhật sắp hết hạn giấy phép, tôi rối quá, gia hạn"}
    assert service.agent._plan_intent("out_of_scope", 0.9, story) == ["action_answer_pending"]
    # A complaint the classifier is sure of stays a complaint when it asks nothing outright …
    sure = [{"name": "complain", "confidence": 0.9}, {"name": "ask_fee", "confidence": 0.05}]
    assert service.agent._plan_intent("complain", 0.9, {**story, "intent_ranking": sure}) == service.agent.policy.actions_for("complain")
    # … and one that asks where outright ("… thì nộp chỗ nào") is answered, however sure.
    plan = service.agent._plan_intent("complain", 0.9, {**parse, "intent_ranking": sure})
    assert plan[0] == service.agent.policy.actions_for("ask_where_to_submit")[0]


def test_a_message_asking_outright_is_no_complaint_nor_a_plain_no(service: Service) -> None:
    # After a procedure, a follow-up the intent classifier reads (not surely) as a complaint or as a
    # "no" asks a question about the procedure in context: its wording says which.
    in_context = {"status": "context", "code": "social_pension"}
    worried = {"text": "giấy tờ nộp chỗ nào vậy, tôi yếu chân không đi xa được",
               "intent_ranking": [{"name": "complain", "confidence": 0.5}, {"name": "ask_documents", "confidence": 0.3}],
               "procedure_resolution": in_context}
    plan = service.agent._plan_intent("complain", 0.5, worried)
    assert plan[0] == service.agent.policy.actions_for("ask_where_to_submit")[0]
    whether = {"text": "cho bà ở tạm nhà con gái được ko",
               "intent_ranking": [{"name": "deny", "confidence": 0.5}, {"name": "ask_eligibility", "confidence": 0.3}],
               "procedure_resolution": in_context}
    assert service.agent._plan_intent("deny", 0.5, whether)[0] == service.agent.policy.actions_for("ask_eligibility")[0]
    # … and so does one that names the procedure it moves to.
    moved = {**whether, "procedure_resolution": {"status": "switched", "code": "child_emergency_intervention"}}
    assert service.agent._plan_intent("deny", 0.5, moved)[0] == service.agent.policy.actions_for("ask_eligibility")[0]
    # A plain "no" and a complaint that asks nothing stay what they are.
    plain = {**whether, "text": "không ạ"}
    assert service.agent._plan_intent("deny", 0.5, plain) == service.agent.policy.actions_for("deny")
    fed_up = {**worried, "text": "chờ hoài mệt quá trời"}
    assert service.agent._plan_intent("complain", 0.5, fed_up) == service.agent.policy.actions_for("complain")


def test_a_question_about_doing_a_named_procedure_is_no_dossier_status_check(service: Service) -> None:
    # "hồ sơ" in a question about doing a procedure the message names reads, not surely, as the status
    # of one's own dossier; the question it asks outright comes first.
    named = {"status": "resolved", "code": "merit_record_correction"}
    how = {"text": "hồ sơ thương binh của bố ghi sai quê quán, muốn sửa lại thì sao",
           "intent_ranking": [{"name": "check_dossier_status", "confidence": 0.55},
                              {"name": "ask_procedure_steps", "confidence": 0.3}],
           "procedure_resolution": named}
    plan = service.agent._plan_intent("check_dossier_status", 0.55, how)
    assert plan[0] == service.agent.policy.actions_for("ask_procedure_steps")[0]
    # Asking where one's own dossier has got to stays a status check.
    status = {**how, "text": "hồ sơ sửa thông tin thương binh của bố tôi nộp tháng trước giờ đến đâu rồi"}
    assert service.agent._plan_intent("check_dossier_status", 0.55, status) == service.agent.policy.actions_for(
        "check_dossier_status"
    )


def test_going_back_to_an_earlier_procedure_after_a_digression(client: TestClient) -> None:
    """ "quay lại …" means a procedure this conversation already discussed, after chit-chat or a
    declined question, whatever else its words match ("quay lại" alone reads as "resume")."""
    user = sender()
    assert WORK_PERMIT in joined(say(client, user, "xin giấy phép lao động cho kỹ sư Hàn Quốc cần giấy tờ gì"))
    say(client, user, "hôm nay trời nóng quá bạn nhỉ")
    back = joined(say(client, user, "thoi quay lai, nop o dau vay"))
    assert WORK_PERMIT in back and "Nơi nộp hồ sơ" in back

    other = sender()
    say(client, other, "vợ em sắp sinh, chế độ thai sản hồ sơ gồm gì")
    assert "chưa có trong danh mục" in joined(say(client, other, "còn đăng ký khai sinh cho bé thì làm ở đâu"))
    again = joined(say(client, other, "quay lại chuyện lúc nãy, mất bao lâu thì có tiền"))
    assert "thai sản" in again and "Thời hạn giải quyết" in again


def test_a_question_right_after_a_decline_stays_with_the_declined_procedure(client: TestClient) -> None:
    """ "làm hộ chiếu ở đâu" is declined; "phí bao nhiêu" right after asks the passport's fee, not
    "which procedure?"; naming one of ours afterwards is answered as usual."""
    user = sender()
    assert "chưa có trong danh mục" in joined(say(client, user, "cho em hỏi làm hộ chiếu ở đâu ạ"))
    again = joined(say(client, user, "phí bao nhiêu"))
    assert "chưa có trong danh mục" in again and "Phí, lệ phí" not in again
    ours = joined(say(client, user, "còn trợ cấp thất nghiệp thì lệ phí bao nhiêu"))
    assert "thất nghiệp" in ours and "Phí, lệ phí" in ours


def test_one_fact_answering_two_questions_of_a_message_is_said_once(client: TestClient) -> None:
    # Classified as a place question, asked as yes/no: the place reading and the conditions beside
    # it both reach the deadline fact — the citizen reads it once.
    replies = say(client, sender(), "nghi viec qua 3 thang co nop ho so tctn duoc khong")
    texts = [r.get("text") for r in replies if r.get("text")]
    assert any("03 tháng" in t for t in texts), texts
    assert len(texts) == len(set(texts)), texts
