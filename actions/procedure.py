"""Actions that answer about procedures from the catalogue.

They read the ``procedure`` slot (a catalogue code) and how the dialogue resolved it this turn
(``latest_message["procedure_resolution"]``, set by ``bot.slots``): ``ambiguous`` asks which one,
``unknown`` says honestly that the procedure is not in the catalogue, a missing procedure starts
``procedure_form`` and the question is answered once the form has it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from actions.aspect_fit import fitted_aspect
from actions.facts import CROSS_ASPECT_COVERAGE, MIN_COVERAGE, FactIndex, is_yes_no_question
from actions.render import fact_intent, render_aspect, render_fact, split_message
from actions.sdk import CollectingDispatcher, DomainDict, EventType, FollowupAction, SlotSet, Tracker
from knowledge.catalogue import ProcedureCatalogue
from knowledge.schemas import Fact
from nlu.tokenize import folded_syllables, syllables

__all__ = [
    "ASPECT_ACTIONS",
    "NOT_IN_CATALOGUE",
    "AnswerPendingAction",
    "DeclineProcedureAction",
    "ListProceduresAction",
    "ProcedureAspectAction",
    "SupportLinks",
    "answer_aspect",
    "ask_which",
    "decline",
]

NOT_IN_CATALOGUE = "not_in_catalogue"  # the procedure_resolution status of a real procedure not held
PROCEDURE_FORM = "procedure_form"

ASPECT_ACTIONS = {
    "ask_documents": "action_procedure_documents",
    "ask_fee": "action_procedure_fee",
    "ask_benefit": "action_procedure_benefit",
    "ask_processing_time": "action_procedure_processing_time",
    "ask_where_to_submit": "action_procedure_where_to_submit",
    "ask_eligibility": "action_procedure_eligibility",
    "ask_procedure_steps": "action_procedure_steps",
    "ask_forms": "action_procedure_forms",
    "ask_legal_basis": "action_procedure_legal_basis",
}
ASPECT_TITLES = {
    "ask_documents": "Hồ sơ",
    "ask_fee": "Lệ phí",
    "ask_processing_time": "Thời hạn",
    "ask_where_to_submit": "Nơi nộp",
    "ask_eligibility": "Điều kiện",
    "ask_procedure_steps": "Các bước",
    "ask_forms": "Mẫu đơn",
    "ask_legal_basis": "Căn cứ pháp lý",
    "ask_benefit": "Mức hưởng",
}


@dataclass(frozen=True, slots=True)
class SupportLinks:
    hotline: str
    portal_search_url: str
    message_limit: int = 1800


def payload(intent: str, **entities: str) -> str:
    """A button payload in Rasa's form: ``/ask_fee{"procedure": "work_permit_issue"}``."""
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}" if entities else f"/{intent}"


def decline_text(mention: str | None, links: SupportLinks, note: str | None = None) -> str:
    """The honest "not in my catalogue yet", naming what was asked when it could be named cleanly:
    "Dạ, thủ tục "đăng ký kết hôn" hiện chưa có trong danh mục của em ...". A ``note`` says where to
    turn instead and comes first when it is urgent ("gọi ngay Tổng đài 111")."""
    subject = f"thủ tục \u201c{mention}\u201d" if mention else "thủ tục anh/chị hỏi"
    if note:
        return (
            f"Dạ, {note.rstrip('. ')}. Việc này hiện chưa có trong danh mục thủ tục của em; anh/chị có thể tra cứu "
            f"thêm tại Cổng Dịch vụ công quốc gia: {links.portal_search_url} hoặc gọi tổng đài {links.hotline} ạ."
        )
    return (
        f"Dạ, {subject} hiện chưa có trong danh mục của em, nên em không trả lời để tránh cung cấp "
        f"thông tin sai. Anh/chị vui lòng tra cứu tại Cổng Dịch vụ công quốc gia: {links.portal_search_url} "
        f"(gõ tên thủ tục vào ô tìm kiếm) hoặc gọi tổng đài {links.hotline} ạ."
    )


def answer_aspect(
    aspect: str,
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    catalogue: ProcedureCatalogue,
    links: SupportLinks,
    facts: FactIndex | None = None,
    *,
    asked_now: bool = True,
) -> list[EventType]:
    """The answer about the procedure in the ``procedure`` slot; without one, ``procedure_form`` asks
    which — except straight after that form, which would only send the question back here (the
    form ↔ ``action_answer_pending`` loop): then the question is asked without the form."""
    resolution = tracker.latest_message.get("procedure_resolution") or {}
    status = resolution.get("status")
    if status == "ambiguous":
        return ask_which(aspect, resolution.get("candidates") or [], dispatcher)
    if status == NOT_IN_CATALOGUE:
        return decline(aspect, resolution, dispatcher, catalogue, links)
    code = tracker.get_slot("procedure")
    record = catalogue.get(code) if code else None
    if record is None:
        if tracker.latest_action_name == PROCEDURE_FORM or tracker.active_loop_name == PROCEDURE_FORM:
            dispatcher.utter_message(response="utter_ask_procedure")
            return [SlotSet("procedure", None), SlotSet("pending_aspect", aspect)]
        return [SlotSet("procedure", None), SlotSet("pending_aspect", aspect), FollowupAction(PROCEDURE_FORM)]
    if asked_now:
        # "bao nhiêu tiền" about an allowance asks the amount paid, not the fee (actions/aspect_fit.py);
        # a question asked before ("lệ phí bao nhiêu" → "thủ tục nào?" → "trợ cấp thất nghiệp") is
        # answered as it was asked.
        aspect = fitted_aspect(aspect, record, str(tracker.latest_message.get("text") or ""))
    fact = _asked_fact(facts, record.code, tracker, aspect)
    parts = (
        render_fact(record, fact, limit=links.message_limit)
        if fact
        else render_aspect(record, aspect, limit=links.message_limit)
    )
    for part in parts:
        dispatcher.utter_message(text=part)
    return [SlotSet("pending_aspect", None), SlotSet("last_aspect", fact_intent(fact) if fact else aspect)]


def decline(
    aspect: str,
    resolution: dict[str, Any],
    dispatcher: CollectingDispatcher,
    catalogue: ProcedureCatalogue,
    links: SupportLinks,
) -> list[EventType]:
    """The honest decline, with a button back to the procedure discussed before; that procedure is
    kept aside so that "quay lại vụ trợ cấp" finds it again."""
    previous = catalogue.get(resolution["context"]) if resolution.get("context") else None
    buttons = (
        [{"title": f"Hỏi về: {previous.name}", "payload": payload(aspect, procedure=previous.code)}]
        if previous
        else []
    )
    dispatcher.utter_message(
        text=decline_text(resolution.get("mention"), links, resolution.get("note"))
        + (" Nếu anh/chị vẫn hỏi về thủ tục trước, xin bấm nút dưới đây." if previous else ""),
        buttons=buttons,
    )
    return [
        SlotSet("procedure", None),
        SlotSet("pending_aspect", None),
        SlotSet("previous_procedure", previous.code if previous else None),
    ]


def ask_which(aspect: str, candidates: list[dict[str, Any]], dispatcher: CollectingDispatcher) -> list[EventType]:
    """ "Ý anh/chị là thủ tục A hay B?" with a button each; a typed answer ("cái thứ hai", "gia hạn")
    is read against the offered ones (``bot.slots.choose_offered``)."""
    offered = candidates[:3]
    names = " hay ".join(f"\"{c['name']}\"" for c in offered)
    dispatcher.utter_message(
        text=f"Dạ, ý anh/chị là thủ tục {names}?",
        buttons=[{"title": c["name"], "payload": payload(aspect, procedure=c["code"])} for c in offered],
    )
    return [SlotSet("offered_procedures", [c["code"] for c in offered]), SlotSet("pending_aspect", aspect)]


def _asked_fact(facts: FactIndex | None, code: str, tracker: Tracker, aspect: str) -> Fact | None:
    """The fact this turn's text asks about: one of ``aspect`` first; for the message's main question
    one of any aspect ("đang hưởng mà có việc làm có phải báo không" is classified as a condition or
    a step, the fact knows which)."""
    if facts is None:
        return None
    text = str(tracker.latest_message.get("text") or "")
    if not text or text.startswith("/"):
        return None
    fact = facts.best(code, text, aspect.removeprefix("ask_").replace("procedure_steps", "steps"))
    main = (tracker.latest_message.get("intent") or {}).get("name")
    several = bool(tracker.latest_message.get("additional_intents"))  # each question answers its own
    if fact is None and main == aspect and not several:
        # A yes/no question is answered by its fact whatever section the classifier chose; another
        # question takes another section's fact only when it asks it almost word for word — and
        # neither when the classifier is sure of its aspect and gives the fact's aspect no chance.
        other = facts.best(code, text, min_coverage=MIN_COVERAGE if is_yes_no_question(text) else CROSS_ASPECT_COVERAGE)
        ranking = {i["name"]: float(i["confidence"]) for i in tracker.latest_message.get("intent_ranking") or []}
        if other is not None and facts.certainty.allows(fact_intent(other), ranking, aspect):
            fact = other
    return fact


class ProcedureAspectAction:
    """One aspect of a procedure: ``action_procedure_fee`` answers ``ask_fee``."""

    def __init__(
        self, aspect: str, catalogue: ProcedureCatalogue, links: SupportLinks, facts: FactIndex | None = None
    ) -> None:
        self.aspect = aspect
        self._catalogue = catalogue
        self._links = links
        self._facts = facts

    def name(self) -> str:
        return ASPECT_ACTIONS[self.aspect]

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        return answer_aspect(self.aspect, dispatcher, tracker, self._catalogue, self._links, self._facts)


class DeclineProcedureAction:
    """A question about a real procedure the catalogue does not hold, whatever was asked of it."""

    def __init__(self, catalogue: ProcedureCatalogue, links: SupportLinks) -> None:
        self._catalogue = catalogue
        self._links = links

    def name(self) -> str:
        return "action_decline_procedure"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        resolution = tracker.latest_message.get("procedure_resolution") or {}
        return decline("ask_documents", resolution, dispatcher, self._catalogue, self._links)


class AnswerPendingAction:
    """After the user names a procedure: answer the question they asked before, or offer a menu."""

    def __init__(self, catalogue: ProcedureCatalogue, links: SupportLinks, facts: FactIndex | None = None) -> None:
        self._catalogue = catalogue
        self._links = links
        self._facts = facts

    def name(self) -> str:
        return "action_answer_pending"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        if tracker.get_slot("dossier_code") and any(tracker.get_latest_entity_values("dossier_code")):
            return [FollowupAction("action_check_dossier_status")]
        aspect = tracker.get_slot("pending_aspect")
        resolution = tracker.latest_message.get("procedure_resolution") or {}
        if aspect not in ASPECT_ACTIONS and resolution.get("status") == "switched":
            # "còn gia hạn thì sao": the same question about the newly named procedure.
            aspect = tracker.get_slot("last_aspect")
        if aspect in ASPECT_ACTIONS:
            return answer_aspect(aspect, dispatcher, tracker, self._catalogue, self._links, self._facts, asked_now=False)
        if resolution.get("status") in ("ambiguous", NOT_IN_CATALOGUE):
            return answer_aspect("ask_documents", dispatcher, tracker, self._catalogue, self._links)
        code = tracker.get_slot("procedure")
        record = self._catalogue.get(code) if code else None
        if record is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(
            text=f"Dạ, về thủ tục \"{record.name}\", anh/chị muốn biết thông tin nào ạ?",
            buttons=[
                {"title": title, "payload": payload(intent, procedure=record.code)}
                for intent, title in ASPECT_TITLES.items()
                if intent != "ask_benefit" or record.benefit
            ],
        )
        return []


class ListProceduresAction:
    """Procedures of a field ("lĩnh vực người có công có thủ tục gì"), or for a situation.

    Field names come from ``knowledge/fields.yml`` and, for imported procedures, from the records
    themselves, so "lĩnh vực hộ tịch có thủ tục nào" works after an import too."""

    def __init__(self, catalogue: ProcedureCatalogue, field_names: dict[str, str], links: SupportLinks) -> None:
        self._catalogue = catalogue
        self._field_names = field_names
        self._links = links

    def name(self) -> str:
        return "action_list_procedures"

    def _names(self) -> dict[str, str]:
        names = {r.field: r.field_name for r in self._catalogue.all() if r.field_name}
        return {**names, **self._field_names}

    def _field_in_text(self, text: str, names: dict[str, str]) -> str | None:
        """The longest field name the message contains, with or without diacritics."""
        folded = f" {folded_syllables(text)} "
        found = [
            (len(name), code)
            for code, name in names.items()
            if len(syllables(name)) >= 2 and f" {folded_syllables(name)} " in folded
        ]
        return max(found)[1] if found else None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        names = self._names()
        field = next(tracker.get_latest_entity_values("field"), None)
        if field not in names:
            field = self._field_in_text(str(tracker.latest_message.get("text") or ""), names)
        if field:
            records = self._catalogue.in_field(field)
            lines = [f"{i}. {r.name}" for i, r in enumerate(records, start=1)]
            text = (
                f"Dạ, lĩnh vực {names[field]} có {len(records)} thủ tục trong danh mục của em:\n"
                + "\n".join(lines)
                + "\n\nAnh/chị muốn hỏi về thủ tục nào ạ?"
            )
            for part in split_message(text, self._links.message_limit):
                dispatcher.utter_message(text=part)
            return [SlotSet("field", field)]
        candidates = (tracker.latest_message.get("procedure_ranking") or [])[:3]
        relevant = [c for c in candidates if c.get("score", 0) >= 0.2]
        if relevant:
            dispatcher.utter_message(
                text="Dạ, với trường hợp anh/chị nêu, có thể liên quan các thủ tục sau:",
                buttons=[{"title": c["name"], "payload": payload("inform", procedure=c["code"])} for c in relevant],
            )
            return []
        counts = {code: len(self._catalogue.in_field(code)) for code in names}
        dispatcher.utter_message(
            text="Dạ, danh mục của em có các lĩnh vực sau, anh/chị chọn lĩnh vực cần tìm hiểu ạ:",
            buttons=[
                {"title": f"{name} ({counts[code]})", "payload": payload("list_procedures", field=code)}
                for code, name in names.items()
                if counts[code]
            ],
        )
        return []
