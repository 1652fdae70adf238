"""The port actions use to read a dossier's status, and the errors it may raise.

``lookup`` answers ``None`` for a code the system does not know and raises
``DossierServiceUnavailable`` when it cannot answer at all (down, slow, misconfigured): the
dialogue must tell those apart from each other, but never tell an unknown code from a wrong
verification to the applicant.
"""

from __future__ import annotations

from typing import Protocol

from knowledge.dossier.models import DossierRecord

__all__ = ["DossierDataError", "DossierServiceUnavailable", "DossierStatusClient"]


class DossierServiceUnavailable(Exception):
    """The status system could not answer now; trying again later may work."""


class DossierDataError(DossierServiceUnavailable):
    """The system answered with something the configured mapping cannot read."""


class DossierStatusClient(Protocol):
    async def lookup(self, code: str) -> DossierRecord | None:
        """The dossier with this canonical code, or ``None`` when there is none."""
        ...
