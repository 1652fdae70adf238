"""Actions about the conversation itself: clarification when the bot is unsure, dossier status."""

from __future__ import annotations

from actions.procedure import SupportLinks, payload
from actions.sdk import CollectingDispatcher, DomainDict, EventType, Tracker

__all__ = ["ClarifyAction", "DossierStatusUnavailableAction"]

# A complaint is no reading to offer for an unclear question ("cho em hỏi cái này với ạ").
NOT_OFFERED = {"out_of_scope", "inform", "affirm", "deny", "greet", "goodbye", "thank", "bot_challenge", "complain"}


def _describe(domain: DomainDict, intent: str) -> str | None:
    variants = (domain.get("responses") or {}).get(f"utter_describe_{intent}") or []
    return variants[0].get("text") if variants else None


class ClarifyAction:
    """Below the confidence threshold: ask, with a button for each of the 2–3 likeliest readings."""

    def __init__(self, max_buttons: int = 3) -> None:
        self._max_buttons = max_buttons

    def name(self) -> str:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        procedure = next(tracker.get_latest_entity_values("procedure"), None) or tracker.get_slot("procedure")
        buttons = []
        for item in ranking:
            intent = item.get("name")
            title = _describe(domain, intent) if intent not in NOT_OFFERED else None
            if not title:
                continue
            entities = {"procedure": procedure} if procedure and intent.startswith("ask_") else {}
            buttons.append({"title": title, "payload": payload(intent, **entities)})
            if len(buttons) == self._max_buttons:
                break
        if buttons:
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []


class DossierStatusUnavailableAction:
    """Used only when dossier status is not assembled (``build_actions`` without ``dossier``): say so
    and point to the official lookup. The real flow is in ``actions.dossier``."""

    def __init__(self, links: SupportLinks) -> None:
        self._links = links

    def name(self) -> str:
        return "action_check_dossier_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_dossier_status_unavailable")
        return []
