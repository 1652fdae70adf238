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
from actions.dossier_followup import AnswerDossierFollowupAction
from actions.facts import AspectCertainty, FactIndex
from actions.procedure import (
    ASPECT_ACTIONS,
    AnswerPendingAction,
    DeclineProcedureAction,
    ListProceduresAction,
    ProcedureAspectAction,
    SupportLinks,
)
from actions.procedure_form import ValidateProcedureForm
from actions.related import FollowRelatedAction
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
    certainty: AspectCertainty | None = None,
) -> dict[str, Action]:
    facts = FactIndex(catalogue, certainty)
    actions: list[Action] = [ProcedureAspectAction(aspect, catalogue, links, facts) for aspect in ASPECT_ACTIONS]
    actions += [
        AnswerPendingAction(catalogue, links, facts),
        ValidateProcedureForm(catalogue, links),
        DeclineProcedureAction(catalogue, links),
        ListProceduresAction(catalogue, field_names, links),
        ClarifyAction(fallback_buttons),
        FollowRelatedAction(catalogue, links, facts),
    ]
    if dossier is None:  # no dossier status assembled: point to the national portal
        actions.append(DossierStatusUnavailableAction(links))
    else:
        actions += [
            CheckDossierStatusAction(dossier),
            ValidateDossierForm(dossier),
            ShowDossierStatusAction(dossier),
            SubscribeDossierAction(dossier),
            AnswerDossierFollowupAction(dossier),
        ]
    return {action.name(): action for action in actions}
