"""The rasa-sdk action-server protocol: ``POST /webhook`` runs one action on a tracker.

Request: ``{"next_action", "sender_id", "tracker": {...}, "domain": {...}, "version"}``.
Response: ``{"events": [...], "responses": [...]}``; an unknown action gets 404
``{"error": ..., "action_name": ...}`` as rasa-sdk answers.

A tracker from a Rasa server lacks what dvcbot's core works out before its actions run (which
procedure the user means; slots holding catalogue codes): ``actions.rasa_tracker`` adds it and the
slot corrections go first in ``events``. Message texts from the domain (``response``) carry the
values of their ``{placeholders}`` (``{hotline}``), which Rasa's response generator fills in; for
the responses Rasa utters itself, ``action_session_start`` (``actions.session``) sets them as slots.

The caller supplies the whole tracker, so the endpoint is a key to every action: it is mounted
only with a shared token (``action_server.token``), compared in constant time, in either of the two
forms Rasa's ``endpoints.yml`` can send: ``headers: {Authorization: "Bearer <token>"}`` or
``token: <token>`` (Rasa adds it to the URL as ``?token=<token>``; uvicorn's access log shows it
masked).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from actions.rasa_tracker import RasaTrackerReader
from actions.sdk import Action, CollectingDispatcher, Tracker
from actions.session import SessionStartAction

__all__ = ["ActionCall", "LatestMessage", "TokenMaskingFilter", "TrackerState", "action_server_router"]

_TOKEN_IN_QUERY = re.compile(r"([?&]token=)[^&\s\"]*")


class LatestMessage(BaseModel):
    """The parts of ``latest_message`` the actions read, typed; Rasa's other keys pass through."""

    model_config = ConfigDict(extra="allow")
    text: str | None = None
    intent: dict[str, Any] | None = None
    entities: list[dict[str, Any]] = Field(default_factory=list)
    intent_ranking: list[dict[str, Any]] = Field(default_factory=list)


class TrackerState(BaseModel):
    """The tracker JSON Rasa sends (``tracker.current_state()``); a malformed one is a 422."""

    model_config = ConfigDict(extra="allow")
    sender_id: str | None = None
    slots: dict[str, Any] = Field(default_factory=dict)
    latest_message: LatestMessage = Field(default_factory=LatestMessage)
    events: list[dict[str, Any]] = Field(default_factory=list)
    active_loop: dict[str, Any] | None = None
    latest_action_name: str | None = None
    latest_input_channel: str | None = None


class ActionCall(BaseModel):
    next_action: str = Field(min_length=1)
    sender_id: str | None = None
    tracker: TrackerState = Field(default_factory=TrackerState)
    domain: dict[str, Any] = Field(default_factory=dict)
    version: str | None = None


class TokenMaskingFilter(logging.Filter):
    """Masks ``?token=...`` in a log line (uvicorn's access log prints the query string)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        masked = _TOKEN_IN_QUERY.sub(r"\1***", message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def _mask_tokens_in_access_log() -> None:
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, TokenMaskingFilter) for f in access.filters):
        access.addFilter(TokenMaskingFilter())


def _token_check(token: str) -> Any:
    expected_header = f"Bearer {token}".encode()
    expected_query = token.encode()

    async def check(
        authorization: Annotated[str | None, Header()] = None,
        query_token: Annotated[str | None, Query(alias="token")] = None,
    ) -> None:
        # Both compared, whichever is present, so the time taken does not tell which form was tried.
        by_header = hmac.compare_digest((authorization or "").encode("utf-8", "surrogateescape"), expected_header)
        by_query = hmac.compare_digest((query_token or "").encode("utf-8", "surrogateescape"), expected_query)
        if not (by_header or by_query):
            raise HTTPException(
                status_code=401, detail="missing or wrong action-server token", headers={"WWW-Authenticate": "Bearer"}
            )

    return check


def _with_variables(message: dict[str, Any], variables: dict[str, str]) -> dict[str, Any]:
    """A domain response named by ``response`` gets the values of its placeholders alongside."""
    if not message.get("response"):
        return message
    return {**variables, **message}


def action_server_router(
    actions: dict[str, Action],
    *,
    token: str,
    list_actions: bool = True,
    reader: RasaTrackerReader | None = None,
    response_variables: dict[str, str] | None = None,
) -> APIRouter:
    """The protocol's routes; ``GET /actions`` (what the server can run) only with ``list_actions``.
    ``reader`` completes trackers sent by a Rasa server (see ``actions.rasa_tracker``)."""
    if not token:
        raise ValueError("the action server needs a token (action_server.token)")
    _mask_tokens_in_access_log()
    variables = dict(response_variables or {})
    # Rasa runs action_session_start when the domain lists it: the placeholders' slots are set there.
    actions = {"action_session_start": SessionStartAction(variables), **actions}
    router = APIRouter(dependencies=[Depends(_token_check(token))])

    @router.post("/webhook", response_model=None)
    async def webhook(call: ActionCall) -> dict[str, Any] | JSONResponse:
        action = actions.get(call.next_action)
        if action is None:
            return JSONResponse(
                status_code=404,
                content={"error": f"No registered action found for name '{call.next_action}'.", "action_name": call.next_action},
            )
        tracker_state = call.tracker.model_dump()
        state = {**tracker_state, "sender_id": tracker_state.get("sender_id") or call.sender_id or ""}
        corrections: list[dict[str, Any]] = []
        if reader is not None:
            state, corrections = await asyncio.to_thread(reader.read, state)
        dispatcher = CollectingDispatcher()
        events = await action.run(dispatcher, Tracker.from_dict(state), call.domain)
        decided = {e.get("name") for e in events if e.get("event") == "slot"}
        return {
            "events": [e for e in corrections if e["name"] not in decided] + events,
            "responses": [_with_variables(m, variables) for m in dispatcher.messages],
        }

    if list_actions:

        @router.get("/actions")
        async def listing() -> list[dict[str, str]]:
            return [{"name": name} for name in sorted(actions)]

    return router
