"""The rasa-sdk action-server protocol: ``POST /webhook`` runs one action on a tracker.

Request: ``{"next_action", "sender_id", "tracker": {...}, "domain": {...}, "version"}``.
Response: ``{"events": [...], "responses": [...]}``; an unknown action gets 404
``{"error": ..., "action_name": ...}`` as rasa-sdk answers.

The caller supplies the whole tracker, so the endpoint is a key to every action: it is mounted
only with a shared token (``action_server.token``), which each call must carry as
``Authorization: Bearer <token>`` (compared in constant time). Rasa sends it from
``endpoints.yml``: ``action_endpoint: {url: ..., headers: {Authorization: "Bearer <token>"}}``.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException
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


def _bearer_check(token: str) -> Any:
    expected = f"Bearer {token}".encode()

    async def check(authorization: Annotated[str | None, Header()] = None) -> None:
        given = (authorization or "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            raise HTTPException(
                status_code=401, detail="missing or wrong action-server token", headers={"WWW-Authenticate": "Bearer"}
            )

    return check


def action_server_router(actions: dict[str, Action], *, token: str, list_actions: bool = True) -> APIRouter:
    """The protocol's routes; ``GET /actions`` (what the server can run) only with ``list_actions``."""
    if not token:
        raise ValueError("the action server needs a token (action_server.token)")
    router = APIRouter(dependencies=[Depends(_bearer_check(token))])

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

    if list_actions:

        @router.get("/actions")
        async def listing() -> list[dict[str, str]]:
            return [{"name": name} for name in sorted(actions)]

    return router
