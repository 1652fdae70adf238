"""A dossier's status in plain Vietnamese: what it means and what the applicant should do next.

Used for the chat reply after a verified lookup and for the alert sent when the status changes, so
both say the same thing. Phone and ID numbers are never part of a record, hence never of a reply.
"""

from __future__ import annotations

from actions.render import format_date
from knowledge.dossier.models import DossierRecord, DossierStatus

__all__ = ["STATUS_LABELS", "malformed_code_text", "next_steps", "render_change", "render_status"]

STATUS_LABELS: dict[DossierStatus, str] = {
    DossierStatus.RECEIVED: "Mới tiếp nhận",
    DossierStatus.PROCESSING: "Đang xử lý",
    DossierStatus.SUPPLEMENT_REQUIRED: "Chờ bổ sung hồ sơ",
    DossierStatus.RESULT_READY: "Đã có kết quả",
    DossierStatus.RETURNED: "Đã trả kết quả",
    DossierStatus.OVERDUE: "Quá hạn xử lý",
    DossierStatus.REJECTED: "Từ chối giải quyết",
}


def _where(record: DossierRecord) -> str:
    return record.department or "nơi anh/chị đã nộp hồ sơ"


def next_steps(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    """What the status means for the applicant and what to do now."""
    due = f" Kết quả dự kiến trả ngày {format_date(record.due_on)}." if record.due_on else ""
    if status is DossierStatus.RECEIVED:
        return "👉 Hồ sơ đã được tiếp nhận và sẽ được chuyển đến bộ phận giải quyết. Anh/chị chưa cần làm gì thêm." + due
    if status is DossierStatus.PROCESSING:
        return "👉 Hồ sơ đang được giải quyết trong thời hạn. Anh/chị chưa cần làm gì thêm." + due
    if status is DossierStatus.SUPPLEMENT_REQUIRED:
        if not record.missing:
            return (
                f"👉 Cơ quan giải quyết đề nghị bổ sung hồ sơ. Anh/chị vui lòng liên hệ {_where(record)} "
                f"hoặc gọi tổng đài {hotline} để biết giấy tờ cần bổ sung."
            )
        items = "\n".join(f"- {item}" for item in record.missing)
        return (
            f"Giấy tờ cần bổ sung:\n{items}\n👉 Anh/chị vui lòng nộp bổ sung tại {_where(record)} hoặc qua "
            "Cổng Dịch vụ công. Hồ sơ sẽ được tiếp tục giải quyết khi đã nhận đủ giấy tờ."
        )
    if status is DossierStatus.RESULT_READY:
        return (
            f"👉 Anh/chị mang giấy tiếp nhận hồ sơ và hẹn trả kết quả cùng căn cước công dân đến {_where(record)} "
            "để nhận kết quả, hoặc nhận theo hình thức đã đăng ký (qua bưu chính, trực tuyến)."
        )
    if status is DossierStatus.RETURNED:
        return f"👉 Hồ sơ đã hoàn tất và kết quả đã được trả. Nếu anh/chị chưa nhận được, vui lòng gọi tổng đài {hotline}."
    if status is DossierStatus.OVERDUE:
        late = f" ({format_date(record.due_on)})" if record.due_on else ""
        return (
            f"Em thành thật xin lỗi anh/chị vì hồ sơ đã quá ngày hẹn trả kết quả{late}. Cơ quan giải quyết có trách "
            "nhiệm gửi phiếu xin lỗi và hẹn lại ngày trả kết quả.\n"
            f"👉 Anh/chị vui lòng gọi tổng đài {hotline} để được hỗ trợ kiểm tra và đôn đốc giải quyết."
        )
    reason = record.reason or "hệ thống chưa ghi lý do"
    return (
        f"Lý do: {reason}.\n👉 Anh/chị có thể liên hệ {_where(record)} hoặc gọi tổng đài {hotline} để được giải "
        "thích thêm; nếu chưa đồng ý, anh/chị có quyền phản ánh, kiến nghị hoặc khiếu nại theo quy định."
    )


def render_status(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    lines = [f"Dạ, thông tin hồ sơ {record.code}:"]
    if record.procedure:
        lines.append(f"- Thủ tục: {record.procedure}")
    if record.received_on:
        lines.append(f"- Ngày tiếp nhận: {format_date(record.received_on)}")
    if record.due_on:
        lines.append(f"- Ngày hẹn trả kết quả: {format_date(record.due_on)}")
    if record.step or record.department:
        step = " - ".join(part for part in (record.step, record.department) if part)
        lines.append(f"- Bước hiện tại: {step}")
    lines.append(f"- Tình trạng: {STATUS_LABELS[status]}")
    return "\n".join(lines) + "\n" + next_steps(record, status, hotline)


def render_change(record: DossierRecord, status: DossierStatus, hotline: str) -> str:
    """The alert: ``Dạ, em xin báo: hồ sơ ... vừa chuyển sang tình trạng "Đã có kết quả".``"""
    about = f" (thủ tục \"{record.procedure}\")" if record.procedure else ""
    return (
        f"Dạ, em xin báo: hồ sơ {record.code}{about} vừa chuyển sang tình trạng \"{STATUS_LABELS[status]}\".\n"
        + next_steps(record, status, hotline)
    )


def malformed_code_text(shown: str, problems: list[str] | tuple[str, ...], example: str) -> str:
    detail = "; ".join(problems) if problems else "mã chưa đúng dạng"
    return (
        f"Dạ, mã \"{shown}\" chưa đúng dạng mã hồ sơ: {detail}. Mã hồ sơ có dạng {example}, in trên giấy "
        "tiếp nhận hồ sơ và hẹn trả kết quả ạ."
    )
