"""``action_follow_related``: the procedure in context cannot answer the aspect asked, a linked one can
(``bot.related_procedures`` decided so). The answer is the linked procedure's, introduced by why it
applies; the procedure in context stays, so "làm giấy đó mất bao lâu" after "có giấy rồi thì được
trợ cấp bao nhiêu" is about the certificate again."""

from __future__ import annotations

import copy

from actions.facts import FactIndex, is_yes_no_question
from actions.procedure import ASPECT_ACTIONS, SupportLinks, answer_aspect
from actions.sdk import CollectingDispatcher, DomainDict, EventType, SlotSet, Tracker
from knowledge.catalogue import ProcedureCatalogue
from knowledge.related import INTENT_ASPECTS, linked_for

__all__ = ["FollowRelatedAction"]

ELIGIBILITY = "ask_eligibility"


class FollowRelatedAction:
    def __init__(self, catalogue: ProcedureCatalogue, links: SupportLinks, facts: FactIndex | None = None) -> None:
        self._catalogue = catalogue
        self._links = links
        self._facts = facts

    def name(self) -> str:
        return "action_follow_related"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        code = tracker.get_slot("procedure")
        intent = str((tracker.latest_message.get("intent") or {}).get("name"))
        aspect = INTENT_ASPECTS.get(intent)
        found = linked_for(self._catalogue, str(code), aspect) if code and aspect and intent in ASPECT_ACTIONS else None
        if found is None:
            return []
        link, target = found
        dispatcher.utter_message(text=f"Dạ, {link.why.rstrip('.')}.")
        linked = copy.copy(tracker)
        linked.slots = {**tracker.slots, "procedure": target.code}
        events = answer_aspect(intent, dispatcher, linked, self._catalogue, self._links, self._facts)
        if intent != ELIGIBILITY and is_yes_no_question(str(tracker.latest_message.get("text") or "")):
            # "có giấy rồi thì được tiền hằng tháng không": whether, then how much — the linked one's
            # conditions too, as a yes/no question about the one in context gets them.
            events += answer_aspect(ELIGIBILITY, dispatcher, linked, self._catalogue, self._links, self._facts)
        return [e for e in events if not (e.get("event") == "slot" and e.get("name") == "procedure")] + [
            SlotSet("procedure", code)
        ]
