"""Demo dossiers, one in every status, so the chat can be tried without a real one-stop system.

All of them verify with the last four digits ``5678`` (phone) or ``4321`` (CCCD); the numbers are
fictitious. Dates are relative to the day of seeding, and seeding resets these codes each time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from knowledge.dossier.reference_service.models import ReferenceBase, StepRow
from knowledge.dossier.reference_service.schemas import DossierCreate, ServiceStatus
from knowledge.dossier.reference_service.store import create_dossier, get_dossier

__all__ = ["DEMO_DOSSIERS", "DEMO_ID_NUMBER", "DEMO_PHONE", "DemoDossier", "seed_demo_dossiers"]

DEMO_PHONE = "0912345678"
DEMO_ID_NUMBER = "001099004321"
UNEMPLOYMENT = "Giải quyết hưởng trợ cấp thất nghiệp"
WORK_PERMIT = "Cấp giấy phép lao động đối với người lao động nước ngoài làm việc tại Việt Nam"
EMPLOYMENT_CENTRE = "Trung tâm Dịch vụ việc làm tỉnh"
LABOUR_OFFICE = "Phòng Việc làm - Tiền lương, Sở Nội vụ"


@dataclass(frozen=True, slots=True)
class DemoDossier:
    code: str
    status: ServiceStatus
    procedure: str
    received_days_ago: int
    due_in_days: int
    step: str
    department: str
    missing: tuple[str, ...] = ()
    reason: str | None = None


DEMO_DOSSIERS: tuple[DemoDossier, ...] = (
    DemoDossier("000.00.15.H29-250301-0001", ServiceStatus.MOI_TIEP_NHAN, UNEMPLOYMENT, 0, 20,
                "Tiếp nhận hồ sơ", EMPLOYMENT_CENTRE),
    DemoDossier("000.00.15.H29-240312-0042", ServiceStatus.DANG_XU_LY, UNEMPLOYMENT, 6, 14,
                "Thẩm định hồ sơ", EMPLOYMENT_CENTRE),
    DemoDossier("000.00.15.H29-250302-0003", ServiceStatus.CHO_BO_SUNG, WORK_PERMIT, 4, 6,
                "Thẩm định hồ sơ", LABOUR_OFFICE,
                missing=("Giấy chứng nhận sức khỏe còn hiệu lực (cấp trong vòng 12 tháng)",
                         "Bản sao hộ chiếu có chứng thực")),
    DemoDossier("000.00.15.H29-250303-0004", ServiceStatus.DA_CO_KET_QUA, WORK_PERMIT, 9, 1,
                "Trả kết quả", LABOUR_OFFICE),
    DemoDossier("000.00.15.H29-250304-0005", ServiceStatus.DA_TRA_KET_QUA, UNEMPLOYMENT, 30, -10,
                "Đã trả kết quả", EMPLOYMENT_CENTRE),
    DemoDossier("000.00.15.H29-250305-0006", ServiceStatus.QUA_HAN, UNEMPLOYMENT, 25, -5,
                "Trình lãnh đạo Sở ký quyết định", LABOUR_OFFICE),
    DemoDossier("000.00.15.H29-250306-0007", ServiceStatus.TU_CHOI, UNEMPLOYMENT, 12, 8,
                "Kết thúc xử lý", EMPLOYMENT_CENTRE,
                reason="Người lao động đã có việc làm trong thời hạn 15 ngày kể từ ngày nộp hồ sơ"),
)


def seed_demo_dossiers(engine: Engine, today: dt.date | None = None) -> int:
    """(Re)create the demo dossiers; returns how many were written."""
    ReferenceBase.metadata.create_all(engine)
    day = today or dt.date.today()
    with Session(engine) as session, session.begin():
        for demo in DEMO_DOSSIERS:
            existing = get_dossier(session=session, code=demo.code)
            if existing is not None:
                session.delete(existing)
                session.flush()
            received = day - dt.timedelta(days=demo.received_days_ago)
            row = create_dossier(
                session=session,
                data=DossierCreate.model_validate(
                    {
                        "code": demo.code,
                        "procedure_name": demo.procedure,
                        "applicant_name": "Nguyễn Văn A (dữ liệu mẫu)",
                        "applicant_phone": DEMO_PHONE,
                        "applicant_id_number": DEMO_ID_NUMBER,
                        "received_on": received,
                        "due_on": day + dt.timedelta(days=demo.due_in_days),
                        "status": demo.status,
                        "current_step": demo.step,
                        "department": demo.department,
                        "missing": list(demo.missing),
                        "rejection_reason": demo.reason,
                    }
                ),
            )
            row.steps.append(StepRow(name="Tiếp nhận hồ sơ", department=demo.department, note=None,
                                     at=dt.datetime.combine(received, dt.time(8, 30))))
            if demo.step != "Tiếp nhận hồ sơ":
                row.steps.append(StepRow(name=demo.step, department=demo.department, note=None,
                                         at=dt.datetime.combine(received + dt.timedelta(days=1), dt.time(9, 0))))
    return len(DEMO_DOSSIERS)
