"""The rasa-sdk action-server protocol: ``POST /webhook`` runs one action on a tracker.

Request: ``{"next_action", "sender_id", "tracker": {...}, "domain": {...}, "version"}``.
Response: ``{"events": [...], "responses": [...]}``; an unknown action gets 404
``{"error": ..., "action_name": ...}`` as rasa-sdk answers.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from actions.sdk import Action, CollectingDispatcher, Tracker

__all__ = ["ActionCall", "action_server_router"]


class ActionCall(BaseModel):
    next_action: str = Field(min_length=1)
    sender_id: str | None = None
    tracker: dict[str, Any] = Field(default_factory=dict)
    domain: dict[str, Any] = Field(default_factory=dict)
    version: str | None = None


def action_server_router(actions: dict[str, Action]) -> APIRouter:
    router = APIRouter()

    @router.post("/webhook", response_model=None)
    async def webhook(call: ActionCall) -> dict[str, Any] | JSONResponse:
        action = actions.get(call.next_action)
        if action is None:
            return JSONResponse(
                status_code=404,
                content={"error": f"No registered action found for name '{call.next_action}'.", "action_name": call.next_action},
            )
        state = {"sender_id": call.sender_id or call.tracker.get("sender_id", ""), **call.tracker}
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, Tracker.from_dict(state), call.domain)
        return {"events": events, "responses": dispatcher.messages}

    @router.get("/actions")
    async def list_actions() -> list[dict[str, str]]:
        return [{"name": name} for name in sorted(actions)]

    return router
