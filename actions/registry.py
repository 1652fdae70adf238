"""The explicit list of custom actions, built with their dependencies."""

from __future__ import annotations

from actions.dialogue import ClarifyAction, DossierStatusUnavailableAction
from actions.dossier import (
    CheckDossierStatusAction,
    DossierDeps,
    ShowDossierStatusAction,
    SubscribeDossierAction,
    ValidateDossierForm,
)
from actions.procedure import (
    ASPECT_ACTIONS,
    AnswerPendingAction,
    ListProceduresAction,
    ProcedureAspectAction,
    SupportLinks,
)
from actions.sdk import Action
from knowledge.catalogue import ProcedureCatalogue

__all__ = ["build_actions"]


def build_actions(
    *,
    catalogue: ProcedureCatalogue,
    field_names: dict[str, str],
    links: SupportLinks,
    fallback_buttons: int = 3,
    dossier: DossierDeps | None = None,
) -> dict[str, Action]:
    actions: list[Action] = [ProcedureAspectAction(aspect, catalogue, links) for aspect in ASPECT_ACTIONS]
    actions += [
        AnswerPendingAction(catalogue, links),
        ListProceduresAction(catalogue, field_names, links),
        ClarifyAction(fallback_buttons),
    ]
    if dossier is None:  # no dossier status assembled: point to the national portal
        actions.append(DossierStatusUnavailableAction(links))
    else:
        actions += [
            CheckDossierStatusAction(dossier),
            ValidateDossierForm(dossier),
            ShowDossierStatusAction(dossier),
            SubscribeDossierAction(dossier),
        ]
    return {action.name(): action for action in actions}
