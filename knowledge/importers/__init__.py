"""Importers that turn outside catalogues into ``ProcedureRecord``s.

``national_portal`` reads the National Public Service Portal's page layout (flattened tables split
back into channels, documents and legal basis by ``channels``, ``documents``, ``legal_basis``);
``run.import_path`` is what ``dvcbot catalogue import PATH`` calls.
"""

from knowledge.importers.national_portal import BrokenRecord, PortalRecord, code_for, parse_portal_record
from knowledge.importers.run import ImportReport, RecordOutcome, import_path

__all__ = [
    "BrokenRecord",
    "ImportReport",
    "PortalRecord",
    "RecordOutcome",
    "code_for",
    "import_path",
    "parse_portal_record",
]
