"""The explicit list of custom actions, built with their dependencies."""

from __future__ import annotations

from actions.dialogue import ClarifyAction, DossierStatusUnavailableAction
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
    *, catalogue: ProcedureCatalogue, field_names: dict[str, str], links: SupportLinks, fallback_buttons: int = 3
) -> dict[str, Action]:
    actions: list[Action] = [ProcedureAspectAction(aspect, catalogue, links) for aspect in ASPECT_ACTIONS]
    actions += [
        AnswerPendingAction(catalogue, links),
        ListProceduresAction(catalogue, field_names, links),
        ClarifyAction(fallback_buttons),
        DossierStatusUnavailableAction(links),
    ]
    return {action.name(): action for action in actions}
