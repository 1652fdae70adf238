"""A reference one-stop dossier service (FastAPI + SQLAlchemy), embedded in ``dvcbot run`` or standalone."""

from knowledge.dossier.reference_service.app import API_KEY_HEADER, create_dossier_service_app
from knowledge.dossier.reference_service.changes import StatusChangeHub, StatusListener
from knowledge.dossier.reference_service.seed import DEMO_DOSSIERS, seed_demo_dossiers

__all__ = [
    "API_KEY_HEADER",
    "DEMO_DOSSIERS",
    "StatusChangeHub",
    "StatusListener",
    "create_dossier_service_app",
    "seed_demo_dossiers",
]
