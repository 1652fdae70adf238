"""What the bot knows about a dossier (hồ sơ), whatever one-stop system it came from.

Statuses are a closed vocabulary the dialogue can explain in plain Vietnamese; each adapter maps
its system's own values onto it (``"DANG_XU_LY"`` → ``processing``). Applicant phone and ID
numbers never enter this model: only their last four digits, which is all verification needs.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass, field
from enum import StrEnum

__all__ = ["FINAL_STATUSES", "DossierRecord", "DossierStatus", "last_digits"]


class DossierStatus(StrEnum):
    """The status an applicant cares about, in the order a dossier usually goes through them."""

    RECEIVED = "received"  # mới tiếp nhận
    PROCESSING = "processing"  # đang xử lý
    SUPPLEMENT_REQUIRED = "supplement_required"  # chờ bổ sung
    RESULT_READY = "result_ready"  # đã có kết quả
    RETURNED = "returned"  # đã trả kết quả
    OVERDUE = "overdue"  # quá hạn
    REJECTED = "rejected"  # từ chối


# After these nothing more happens that an applicant waits for: alerts end here.
FINAL_STATUSES = frozenset({DossierStatus.RESULT_READY, DossierStatus.RETURNED, DossierStatus.REJECTED})
_STILL_RUNNING = frozenset({DossierStatus.RECEIVED, DossierStatus.PROCESSING})


def last_digits(number: str | None, count: int = 4) -> str | None:
    """The last ``count`` digits of a phone or ID number (``"0912 345 678"`` → ``"5678"``)."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return digits[-count:] if len(digits) >= count else None


@dataclass(frozen=True, slots=True)
class DossierRecord:
    """One dossier as a status system reports it, reduced to what the bot may show or check."""

    code: str
    status: DossierStatus
    procedure: str | None = None
    received_on: dt.date | None = None
    due_on: dt.date | None = None
    step: str | None = None
    department: str | None = None
    missing: tuple[str, ...] = ()
    reason: str | None = None
    updated_at: dt.datetime | None = None
    verification_suffixes: frozenset[str] = field(default_factory=frozenset)

    def verify(self, digits: str | None) -> bool:
        """Whether ``digits`` are the last four of the phone or ID number on the dossier.

        Every suffix is compared in constant time so the answer takes as long either way.
        """
        if not digits:
            return False
        matched = False
        for suffix in self.verification_suffixes:
            matched |= hmac.compare_digest(suffix.encode(), digits.encode())
        return matched

    def effective_status(self, today: dt.date) -> DossierStatus:
        """The status to tell the applicant: a dossier still in progress after its due date is overdue."""
        if self.status in _STILL_RUNNING and self.due_on is not None and self.due_on < today:
            return DossierStatus.OVERDUE
        return self.status
