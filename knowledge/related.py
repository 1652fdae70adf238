"""Which linked procedure answers what the procedure in context does not (``ProcedureRecord.related``).

The disability certificate pays nothing: "được trợ cấp bao nhiêu" after it is answered from the
monthly social allowance it links to. Read by the dialogue's policy (``bot.related_procedures``) and
by the action that moves to the linked procedure (``actions.related``), so both decide alike.
"""

from __future__ import annotations

from typing import Protocol

from knowledge.schemas import FactAspect, ProcedureRecord, Related

__all__ = ["INTENT_ASPECTS", "answers", "linked_for"]

INTENT_ASPECTS: dict[str, FactAspect] = {
    "ask_documents": "documents", "ask_fee": "fee", "ask_benefit": "benefit",
    "ask_processing_time": "processing_time", "ask_where_to_submit": "where_to_submit",
    "ask_eligibility": "eligibility", "ask_procedure_steps": "steps", "ask_forms": "forms",
    "ask_legal_basis": "legal_basis",
}


class _Records(Protocol):
    def get(self, code: str) -> ProcedureRecord | None: ...


def answers(record: ProcedureRecord, aspect: FactAspect) -> bool:
    """Whether the entry holds anything on ``aspect`` (a section, a question-level fact, or a note
    that it could not be confirmed)."""
    if aspect in record.unconfirmed or any(fact.aspect == aspect for fact in record.facts):
        return True
    sections: dict[FactAspect, bool] = {
        "documents": bool(record.documents),
        "fee": any(channel.fee for channel in record.channels),
        "benefit": bool(record.benefit),
        "processing_time": any(channel.processing_time for channel in record.channels),
        "where_to_submit": bool(record.submit_to or record.agency),
        "eligibility": bool(record.conditions or record.applicants),
        "steps": bool(record.steps),
        "forms": any(document.form for document in record.documents),
        "legal_basis": bool(record.legal_basis),
    }
    return sections[aspect]


def linked_for(records: _Records, code: str, aspect: FactAspect) -> tuple[Related, ProcedureRecord] | None:
    """The link of procedure ``code`` to follow for ``aspect``: only when ``code`` itself holds nothing
    on it and the linked entry, listed for that aspect, does."""
    record = records.get(code)
    if record is None or answers(record, aspect):
        return None
    for link in record.related:
        target = records.get(link.code)
        if aspect in link.aspects and target is not None and answers(target, aspect):
            return link, target
    return None
