"""Helpers for the requests recorded from Rasa 3.6 (``payloads/rasa_3_6_*.json``)."""

from __future__ import annotations

import copy
from typing import Any

__all__ = ["only_rasas_extraction"]


def only_rasas_extraction(state: dict[str, Any]) -> dict[str, Any]:
    """The recorded tracker as Rasa's own slot extraction left it: in the recording, the
    ``validate_dossier_form`` call of Rasa's ``action_extract_slots`` had already brought dvcbot's
    correction of the ``procedure`` slot (the second slot event after the message)."""
    state = copy.deepcopy(state)
    user = max(i for i, e in enumerate(state["events"]) if e["event"] == "user")
    extracted = [e for e in state["events"][user + 1 :] if e["event"] == "slot" and e["name"] == "procedure"]
    state["events"].remove(extracted[-1])
    state["slots"]["procedure"] = extracted[0]["value"]
    return state
