"""``validate_procedure_form``: the form's ``procedure`` slot holds a catalogue code or nothing.

Rasa fills the slot from whatever its extractor tagged as ``procedure``; a span dvcbot cannot
resolve ("nghỉ việc sau 3 năm đóng bảo hiểm") would count as filled, complete the form at once and
send the question back to ``action_answer_pending``. Here such a value is set to ``None``, so the
form asks again (``utter_ask_procedure``). While the form asks, the answer is read with dvcbot's
resolution of the message (``procedure_resolution``, from the core or ``actions.rasa_tracker``):
a procedure we do not hold is declined honestly, two close ones are offered as buttons, and a
message that is about something else (thanks, a greeting, a dossier) is left to the rules.
"""

from __future__ import annotations

from typing import Any

from actions.forms import FormValidationAction
from actions.procedure import NOT_IN_CATALOGUE, SupportLinks, ask_which, decline
from actions.sdk import CollectingDispatcher, DomainDict, Tracker
from knowledge.catalogue import ProcedureCatalogue

__all__ = ["ValidateProcedureForm"]

FORM = "procedure_form"
# Messages that answer "which procedure?": anything else while the form asks is another matter.
ANSWERING_INTENTS = frozenset(
    {
        "inform",
        "ask_documents",
        "ask_fee",
        "ask_benefit",
        "ask_processing_time",
        "ask_where_to_submit",
        "ask_eligibility",
        "ask_procedure_steps",
        "ask_forms",
        "ask_legal_basis",
    }
)


class ValidateProcedureForm(FormValidationAction):
    form_name = FORM
    required_slots = ("procedure",)

    def __init__(self, catalogue: ProcedureCatalogue, links: SupportLinks) -> None:
        self._catalogue = catalogue
        self._links = links

    async def extract_procedure(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """The user's answer to "anh/chị hỏi thủ tục nào?", read with dvcbot's resolution."""
        if tracker.active_loop_name != FORM or tracker.get_slot("requested_slot") != "procedure":
            return {}
        if tracker.get_intent_of_latest_message() not in ANSWERING_INTENTS:
            return {}
        resolution = tracker.latest_message.get("procedure_resolution") or {}
        status = resolution.get("status")
        if status in ("resolved", "switched", "context") and self._catalogue.get(str(resolution.get("code"))):
            return {"procedure": resolution["code"]}
        aspect = str(tracker.get_slot("pending_aspect") or "ask_documents")
        events = []
        if status == "ambiguous":
            events = ask_which(aspect, resolution.get("candidates") or [], dispatcher)
        elif status == NOT_IN_CATALOGUE:
            events = decline(aspect, resolution, dispatcher, self._catalogue, self._links)
        # The slots those replies set (the offered buttons, the procedure to come back to) go along.
        return {**{str(e["name"]): e.get("value") for e in events}, "procedure": None}

    async def validate_procedure(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """A catalogue code stays; anything else (a raw span from Rasa's extractor) is replaced by the
        procedure dvcbot resolved from the message, or by ``None`` so that the form asks again."""
        if value is not None and self._catalogue.get(str(value)) is not None:
            return {"procedure": value}
        resolution = tracker.latest_message.get("procedure_resolution") or {}
        code = resolution.get("code") if resolution.get("status") in ("resolved", "switched") else None
        if code and self._catalogue.get(str(code)) is not None:
            return {"procedure": code}
        return {"procedure": None}
