"""Dossier status: the client port and its HTTP adapter, code format, limits, verifications, alert
subscriptions.

The reference one-stop service the adapter can talk to lives in ``knowledge.dossier.reference_service``.
"""

from knowledge.dossier.breaker import CircuitBreaker
from knowledge.dossier.client import DossierDataError, DossierServiceUnavailable, DossierStatusClient
from knowledge.dossier.codes import CodeCandidate, DossierCodeFormat
from knowledge.dossier.http_client import HttpClientOptions, HttpDossierStatusClient
from knowledge.dossier.limits import LookupLimiter, LookupLimits, SqlLookupLimiter
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.models import FINAL_STATUSES, DossierRecord, DossierStatus, last_digits
from knowledge.dossier.subscriptions import SqlSubscriptionStore, Subscription, SubscriptionStore
from knowledge.dossier.verifications import SqlVerificationStore, Verification, VerificationStore

__all__ = [
    "FINAL_STATUSES",
    "CircuitBreaker",
    "CodeCandidate",
    "DossierCodeFormat",
    "DossierDataError",
    "DossierRecord",
    "DossierServiceUnavailable",
    "DossierStatus",
    "DossierStatusClient",
    "FieldMapping",
    "HttpClientOptions",
    "HttpDossierStatusClient",
    "LookupLimiter",
    "LookupLimits",
    "SqlLookupLimiter",
    "SqlSubscriptionStore",
    "SqlVerificationStore",
    "Subscription",
    "SubscriptionStore",
    "Verification",
    "VerificationStore",
    "last_digits",
]
