"""The dialogue's policy for questions about a verified dossier, checked before the intent rules.

"sao lại bị từ chối" right after a rejected dossier's answer is about that dossier; read as an
intent it would be out of scope, "bao giờ có kết quả" a procedure's processing time. This policy
takes the message for the dossier when (a) its words ask a dossier question
(``actions.dossier_questions``), (b) it names no procedure of its own, (c) no form is active, and
(d) the server holds a current verification for this conversation (sender and channel) — the
verification state the lookup action recorded, not a slot. Then ``action_answer_dossier_followup``
answers it; otherwise the usual policies decide.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from actions.dossier_questions import dossier_question
from bot.tracker import DialogueStateTracker

__all__ = ["ACTION", "DossierFollowupPolicy"]

ACTION = "action_answer_dossier_followup"
_NAMES_A_PROCEDURE = frozenset({"resolved", "switched", "ambiguous", "not_in_catalogue"})

IsVerified = Callable[[str, str], bool]
"""``(sender_id, channel)`` → whether the server holds a current verification for the conversation."""


class DossierFollowupPolicy:
    def __init__(self, is_verified: IsVerified) -> None:
        self._is_verified = is_verified

    def plan(self, tracker: DialogueStateTracker, parse: dict[str, Any]) -> list[str] | None:
        """``[ACTION]`` when the message is a question about the verified dossier, else ``None``.

        Blocking (one indexed read); the agent calls it off the event loop.
        """
        if tracker.active_loop or dossier_question(str(parse.get("text") or "")) is None:
            return None
        if (parse.get("procedure_resolution") or {}).get("status") in _NAMES_A_PROCEDURE:
            return None
        if not self._is_verified(tracker.sender_id, tracker.latest_input_channel or "rest"):
            return None
        return [ACTION]
