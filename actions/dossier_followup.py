"""A question about the dossier the conversation has verified, answered from that dossier.

"sao lại bị từ chối", "bao giờ có kết quả", "còn thiếu giấy gì", "giờ em phải làm gì": which
dossier comes from the server's own record of this conversation's verification
(``VerificationStore``, bound to sender and channel, expiring), never from a slot a caller could
set; its current record is read again from the status system, so the answer is today's. Without
a current verification the applicant is asked to look the dossier up first.
"""

from __future__ import annotations

import asyncio
from functools import partial

from actions.dossier import ANOTHER_BUTTON, SUBSCRIBE_BUTTON, DossierDeps
from actions.dossier_questions import DossierQuestion, dossier_question
from actions.dossier_render import STATUS_LABELS, next_steps
from actions.render import format_date
from actions.sdk import CollectingDispatcher, DomainDict, EventType, Tracker
from knowledge.dossier.client import DossierServiceUnavailable
from knowledge.dossier.models import FINAL_STATUSES, DossierRecord, DossierStatus

__all__ = ["AnswerDossierFollowupAction", "followup_text"]

NEEDS_LOOKUP = (
    "Dạ, để trả lời về hồ sơ, anh/chị cho em tra cứu và xác minh hồ sơ trước ạ (mã hồ sơ và 4 số cuối "
    "của số điện thoại hoặc số CCCD)."
)
LOOKUP_BUTTON = {"title": "Tra cứu hồ sơ", "payload": "/check_dossier_status"}


def _reason(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    if status is DossierStatus.REJECTED:
        return f"Dạ, hồ sơ {record.code} bị từ chối giải quyết.\n" + next_steps(record, status, hotline)
    return (
        f"Dạ, hồ sơ {record.code} không bị từ chối: hiện hồ sơ đang ở tình trạng \"{STATUS_LABELS[status]}\".\n"
        + next_steps(record, status, hotline)
    )


def _result_time(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    label = STATUS_LABELS[status]
    if status in (DossierStatus.RESULT_READY, DossierStatus.RETURNED):
        return f"Dạ, hồ sơ {record.code} đã có kết quả (tình trạng \"{label}\").\n" + next_steps(record, status, hotline)
    if status is DossierStatus.REJECTED:
        return (
            f"Dạ, hồ sơ {record.code} đã bị từ chối giải quyết nên sẽ không có kết quả giải quyết.\n"
            + next_steps(record, status, hotline)
        )
    if status is DossierStatus.OVERDUE:
        return f"Dạ, hồ sơ {record.code} đã quá ngày hẹn trả kết quả.\n" + next_steps(record, status, hotline)
    due = (
        f"ngày hẹn trả kết quả là {format_date(record.due_on)}" if record.due_on
        else "hệ thống chưa ghi ngày hẹn trả kết quả"
    )
    extra = " Hồ sơ cần được bổ sung trước khi giải quyết tiếp." if status is DossierStatus.SUPPLEMENT_REQUIRED else ""
    return f"Dạ, hồ sơ {record.code} đang ở tình trạng \"{label}\", {due}.{extra}\n" + next_steps(record, status, hotline)


def _missing(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    if status is DossierStatus.SUPPLEMENT_REQUIRED:
        return f"Dạ, về hồ sơ {record.code}:\n" + next_steps(record, status, hotline)
    if status is DossierStatus.REJECTED:
        return f"Dạ, hồ sơ {record.code} không phải bổ sung mà đã bị từ chối giải quyết.\n" + next_steps(
            record, status, hotline
        )
    return (
        f"Dạ, hồ sơ {record.code} hiện không phải bổ sung giấy tờ gì (tình trạng \"{STATUS_LABELS[status]}\").\n"
        + next_steps(record, status, hotline)
    )


def _next_step(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    return f"Dạ, hồ sơ {record.code} đang ở tình trạng \"{STATUS_LABELS[status]}\".\n" + next_steps(
        record, status, hotline
    )


_ANSWERS = {"reason": _reason, "result_time": _result_time, "missing": _missing, "next_step": _next_step}


def followup_text(question: DossierQuestion, record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    """``"Dạ, hồ sơ 000.00.15.H29-250306-0007 bị từ chối giải quyết.\\nLý do: ..."``"""
    return _ANSWERS[question](record, status, hotline)


class AnswerDossierFollowupAction:
    def __init__(self, deps: DossierDeps) -> None:
        self._deps = deps

    def name(self) -> str:
        return "action_answer_dossier_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        deps = self._deps
        question = dossier_question(str(tracker.latest_message.get("text") or "")) or "next_step"
        channel = tracker.latest_input_channel or "rest"
        verified = await asyncio.to_thread(
            partial(deps.verifications.current, sender_id=tracker.sender_id, channel=channel)
        )
        if verified is None or deps.client is None:
            dispatcher.utter_message(text=NEEDS_LOOKUP, buttons=[LOOKUP_BUTTON])
            return []
        try:
            record = await deps.client.lookup(verified.code)
        except DossierServiceUnavailable:
            dispatcher.utter_message(response="utter_dossier_service_down")
            return []
        if record is None:  # gone from the status system since it was verified
            dispatcher.utter_message(text=NEEDS_LOOKUP, buttons=[LOOKUP_BUTTON])
            return []
        status = record.effective_status(deps.today())
        buttons = [ANOTHER_BUTTON] if status in FINAL_STATUSES else [SUBSCRIBE_BUTTON, ANOTHER_BUTTON]
        dispatcher.utter_message(text=followup_text(question, record, status, deps.links.hotline), buttons=buttons)
        return []
