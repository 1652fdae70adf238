"""The dialogue's policy for a follow-up that the procedure in context cannot answer but a linked one
can (``ProcedureRecord.related``), checked before the intent rules.

After the disability certificate, "có giấy rồi thì được trợ cấp bao nhiêu" asks for an amount the
certificate does not give: the monthly social allowance it is the basis of does. The policy takes the
message for the linked procedure when (a) no form is active, (b) the message named no procedure of
its own (the procedure stays in context), (c) it asks one aspect clearly enough to be answered
(``known_procedure_threshold``), and (d) the procedure in context holds nothing on that aspect while
a link listed for it does (``knowledge.related.linked_for``). Then ``action_follow_related`` answers
from the linked procedure, saying why, and the procedure in context stays; otherwise the usual
policies decide.
"""

from __future__ import annotations

from typing import Any

from bot.agent import PrePolicy
from bot.tracker import DialogueStateTracker
from knowledge.catalogue import ProcedureCatalogue
from knowledge.related import INTENT_ASPECTS, linked_for

__all__ = ["ACTION", "FirstPolicies", "RelatedProcedurePolicy"]

ACTION = "action_follow_related"


class RelatedProcedurePolicy:
    def __init__(self, catalogue: ProcedureCatalogue, min_confidence: float) -> None:
        self._catalogue = catalogue
        self._min_confidence = min_confidence

    def plan(self, tracker: DialogueStateTracker, parse: dict[str, Any]) -> list[str] | None:
        """``[ACTION]`` when a linked procedure answers what was asked, else ``None``."""
        if tracker.active_loop or (parse.get("procedure_resolution") or {}).get("status") != "context":
            return None
        intent = parse.get("intent") or {}
        aspect = INTENT_ASPECTS.get(str(intent.get("name")))
        code = tracker.get_slot("procedure")
        if aspect is None or not code or float(intent.get("confidence") or 0.0) < self._min_confidence:
            return None
        if linked_for(self._catalogue, str(code), aspect) is None:
            return None
        return [ACTION]


class FirstPolicies:
    """Several policies consulted before the intent rules, in order; the first with a plan decides."""

    def __init__(self, *policies: PrePolicy) -> None:
        self._policies = policies

    def plan(self, tracker: DialogueStateTracker, parse: dict[str, Any]) -> list[str] | None:
        for policy in self._policies:
            planned = policy.plan(tracker, parse)
            if planned:
                return planned
        return None
