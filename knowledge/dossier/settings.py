"""The ``dossier:`` section of ``config.yml``: code format, status client, reference service, limits.

Secrets come from the environment only: ``DVCBOT_DOSSIER__CLIENT__API_KEY`` (the key the bot sends)
and ``DVCBOT_DOSSIER__SERVICE__API_KEY`` (the key the reference service accepts). With both empty
and the client pointing at the embedded service, one random key per process is used by both sides.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from knowledge.dossier.codes import DEFAULT_CODE_EXAMPLE, DEFAULT_CODE_PATTERN

__all__ = [
    "REFERENCE_FIELDS",
    "REFERENCE_STATUSES",
    "DossierClientSettings",
    "DossierCodeSettings",
    "DossierLimitsSettings",
    "DossierNotificationSettings",
    "DossierServiceSettings",
    "DossierSettings",
]

# How the reference service names things; another system gets its own mapping in config.yml.
REFERENCE_FIELDS = {
    "code": "maHoSo",
    "status": "trangThai",
    "procedure": "tenThuTuc",
    "received_on": "ngayTiepNhan",
    "due_on": "ngayHenTra",
    "step": "buocHienTai",
    "department": "donViXuLy",
    "missing": "noiDungBoSung",
    "reason": "lyDoTuChoi",
    "updated_at": "ngayCapNhat",
    "phone": "soDienThoai",
    "id_number": "soGiayTo",
}
REFERENCE_STATUSES = {
    "MOI_TIEP_NHAN": "received",
    "DANG_XU_LY": "processing",
    "CHO_BO_SUNG": "supplement_required",
    "DA_CO_KET_QUA": "result_ready",
    "DA_TRA_KET_QUA": "returned",
    "QUA_HAN": "overdue",
    "TU_CHOI": "rejected",
}


class DossierCodeSettings(BaseModel):
    """The canonical dossier code as a regular expression, and one example of it."""

    pattern: str = DEFAULT_CODE_PATTERN
    example: str = DEFAULT_CODE_EXAMPLE


class DossierClientSettings(BaseModel):
    """Where and how the bot reads dossier status; ``base_url`` empty → the embedded reference service."""

    base_url: str = ""
    lookup_path: str = "/api/dossiers/{code}"
    api_key: str = ""
    api_key_header: str = "X-API-Key"
    timeout_seconds: float = 3.0
    retries: int = 2
    backoff_seconds: float = 0.2
    breaker_failures: int = 5
    breaker_reset_seconds: float = 30.0
    record_path: str = ""
    fields: dict[str, str] = Field(default_factory=lambda: dict(REFERENCE_FIELDS))
    statuses: dict[str, str] = Field(default_factory=lambda: dict(REFERENCE_STATUSES))


class DossierServiceSettings(BaseModel):
    """The reference one-stop service: mounted in ``dvcbot run`` and runnable alone."""

    enabled: bool = True
    prefix: str = "/dossier-service"
    database_url: str = ""  # empty → the conversation database (tables are prefixed reference_)
    api_key: str = ""
    seed_demo: bool = True
    host: str = "127.0.0.1"
    port: int = 5006


class DossierLimitsSettings(BaseModel):
    """See ``knowledge.dossier.limits``: failures counted per client (address or channel user) and code."""

    failed_verifications_per_client: int = 3  # then that client is locked out of that code…
    lockout_minutes: float = 5.0  # …for this long, doubled by each further failure…
    max_lockout_minutes: float = 24 * 60.0  # …up to this
    failed_verifications_per_code: int = 30  # from everyone in the window: locked but for a channel owner
    lookups_per_conversation: int = 10
    lookups_per_client: int = 30
    window_minutes: float = 60.0
    failure_reply_seconds: float = 0.2  # unknown code and wrong digits answered after the same time
    verified_minutes: float = 30.0  # how long a verification lets the conversation ask for alerts


class DossierNotificationSettings(BaseModel):
    """Status-change alerts: the embedded service pushes at once; others are polled every ``poll_seconds``."""

    poll_seconds: float = 300.0  # 0 turns polling off


class DossierSettings(BaseModel):
    code: DossierCodeSettings = DossierCodeSettings()
    client: DossierClientSettings = DossierClientSettings()
    service: DossierServiceSettings = DossierServiceSettings()
    limits: DossierLimitsSettings = DossierLimitsSettings()
    notifications: DossierNotificationSettings = DossierNotificationSettings()
