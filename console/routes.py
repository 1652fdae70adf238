"""The console's HTTP side: login, the page, agent assist, the handoff inbox, dossier lookup, stats.

- ``GET/POST /console/login``, ``POST /console/logout`` — the login form (a double-submit CSRF
  token in a cookie and a hidden field) and the end of a session.
- ``GET /console`` — the page (login required: a redirect to the form otherwise);
  ``GET /console/static/{file}`` — its script, styles and charts (login required too).
- ``POST /api/agent-assist/suggest`` ``{"text", "conversation_id"?}`` and
  ``POST /api/agent-assist/feedback`` ``{"suggestion_id", "kind", "final_text"?}``.
- ``GET /console/api/queue``, ``GET /console/api/handoffs/{id}``, ``POST .../{id}/take|reply|close``.
- ``POST /console/api/dossiers/lookup`` ``{"code"}`` — audited; staff need no applicant verification.
- ``GET /console/api/stats``, ``GET /console/api/curator``, ``GET /console/api/lookups`` — supervisors.

Every API answers ``403`` without a live session or, on a POST, without the session's CSRF token.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from bot.messages import BotMessage
from bot.privacy import mask_numbers
from bot.service import Service
from bot.settings import Settings
from channels.widget.history import shown_user_text
from console.assist import Suggester
from console.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, NotLoggedIn, authorise, same_token
from console.calibration import load_or_fit
from console.delivery import deliver, staff_message
from console.handoff_store import Handoff, HandoffConflict, HandoffState
from console.lookup_audit import LookupAudit
from console.pages import console_page, login_page
from console.staff import LoginResult, Role, StaffStore
from console.stats import supervisor_stats
from console.suggestion_log import FeedbackKind, SuggestionLog
from knowledge.dossier.client import DossierServiceUnavailable

__all__ = ["ConsoleRuntime", "mount_console"]

log = logging.getLogger("dvcbot.console")

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {"console.js": "text/javascript", "charts.js": "text/javascript", "console.css": "text/css"}
MAX_LOGIN_BODY = 4096


class SuggestRequest(BaseModel):
    text: str = Field(min_length=1, max_length=4000, pattern=r"^[^\x00]*$")
    conversation_id: str | None = Field(
        default=None, min_length=1, max_length=255, pattern=r"^[^\x00-\x1f\x7f]+$"
    )


class FeedbackRequest(BaseModel):
    suggestion_id: int = Field(ge=1)
    kind: FeedbackKind
    final_text: str | None = Field(default=None, max_length=20_000, pattern=r"^[^\x00]*$")


class ReplyRequest(BaseModel):
    text: str = Field(min_length=1, max_length=4000, pattern=r"^[^\x00]*\S[^\x00]*$")


class LookupRequest(BaseModel):
    code: str = Field(min_length=1, max_length=80, pattern=r"^[^\x00-\x1f\x7f]+$")


class ConsoleRuntime:
    """What the console's routes share: the stores, the suggester and its calibration."""

    def __init__(self, settings: Settings, service: Service) -> None:
        from bot.service import make_engine

        if service.handoff is None:
            raise ValueError("the service was built without handoff parts")
        engine = make_engine(settings.stores.tracker_url)
        self.settings = settings
        self.service = service
        self.handoffs = service.handoff.store
        self.texts = service.handoff.texts
        self.staff = StaffStore(engine, settings.console.staff)
        self.log = SuggestionLog(engine)
        self.audit = LookupAudit(engine)
        config = settings.console.assist
        self.suggester = Suggester(
            interpreter=service.interpreter,
            catalogue=service.catalogue,
            trackers=service.agent.store,
            slot_names=service.domain.slot_names,
            min_confidence=config.min_confidence,
            max_suggestions=config.max_suggestions,
        )
        self._calibrated = asyncio.Lock()

    async def calibrated(self) -> Suggester:
        """The suggester with its calibration (fitted on first use for a new model, then cached)."""
        if self.suggester.calibrator is None:
            async with self._calibrated:
                if self.suggester.calibrator is None:
                    model_dir = (
                        self.settings.path(self.settings.model.dir) / self.service.interpreter.fingerprint
                    )
                    data = self.settings.path(self.settings.console.assist.calibration_data)
                    self.suggester.calibrator = await asyncio.to_thread(
                        load_or_fit, self.suggester, model_dir=model_dir, data_file=data
                    )
        return self.suggester


def mount_console(app: FastAPI, settings: Settings, service: Service) -> ConsoleRuntime:
    runtime = ConsoleRuntime(settings, service)
    app.state.console = runtime
    app.include_router(_router(runtime))

    async def to_login(request: Request, error: Exception) -> Response:
        return RedirectResponse("/console/login", status_code=303)

    app.add_exception_handler(NotLoggedIn, to_login)
    return runtime


def _router(runtime: ConsoleRuntime) -> APIRouter:
    router = APIRouter(include_in_schema=True)
    staff = runtime.staff
    secure = runtime.settings.environment == "production"

    def session_of(request: Request, role: Role = Role.AGENT):  # type: ignore[no-untyped-def]
        return authorise(request, staff, role=role)

    # Login ----------------------------------------------------------------------------------------
    def login_form(error: str | None = None, status: int = 200) -> HTMLResponse:
        token = secrets.token_urlsafe(24)
        response = HTMLResponse(login_page(token, error), status_code=status)
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=secure,
            path="/console/login",
            max_age=3600,
        )
        return response

    @router.get("/console/login", include_in_schema=False)
    async def login_get() -> HTMLResponse:
        return login_form()

    @router.post("/console/login", include_in_schema=False)
    async def login_post(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_LOGIN_BODY:
            raise HTTPException(status_code=413, detail="Yêu cầu quá lớn.")
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        if not same_token(form.get("csrf_token"), request.cookies.get(LOGIN_CSRF_COOKIE) or "\x00"):
            raise HTTPException(
                status_code=403, detail="Biểu mẫu đã hết hạn hoặc không hợp lệ (CSRF). Tải lại trang."
            )
        result, session = await asyncio.to_thread(staff.login, form.get("name", ""), form.get("password", ""))
        if result == LoginResult.LOCKED:
            return login_form("Tài khoản tạm khoá do đăng nhập sai nhiều lần. Vui lòng thử lại sau.", 423)
        if session is None:
            return login_form("Sai tên đăng nhập hoặc mật khẩu.", 401)
        response = RedirectResponse("/console", status_code=303)
        response.set_cookie(
            SESSION_COOKIE, session.token, httponly=True, samesite="strict", secure=secure, path="/"
        )
        response.delete_cookie(LOGIN_CSRF_COOKIE, path="/console/login")
        return response

    @router.post("/console/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        session = session_of(request)
        await asyncio.to_thread(staff.logout, session.token)
        response = Response(status_code=204)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    # The page -------------------------------------------------------------------------------------
    @router.get("/console", include_in_schema=False)
    async def page(request: Request) -> HTMLResponse:
        session = authorise(request, staff, page=True)
        return HTMLResponse(console_page(session), headers={"Cache-Control": "no-store"})

    @router.get("/console/static/{name}", include_in_schema=False)
    async def static(name: str, request: Request) -> FileResponse:
        authorise(request, staff)
        if name not in STATIC_FILES:
            raise HTTPException(status_code=404, detail="Không có tệp này.")
        return FileResponse(STATIC_DIR / name, media_type=f"{STATIC_FILES[name]}; charset=utf-8")

    # Agent assist ---------------------------------------------------------------------------------
    @router.post("/api/agent-assist/suggest")
    async def suggest(payload: SuggestRequest, request: Request) -> dict[str, Any]:
        session = session_of(request)
        return await _suggest(runtime, session.staff.id, payload.text, payload.conversation_id)

    @router.post("/api/agent-assist/feedback", status_code=201)
    async def feedback(payload: FeedbackRequest, request: Request) -> dict[str, Any]:
        session = session_of(request)
        try:
            feedback_id = await asyncio.to_thread(
                runtime.log.feedback,
                suggestion_id=payload.suggestion_id,
                staff_id=session.staff.id,
                kind=payload.kind,
                final_text=payload.final_text,
            )
        except KeyError:
            raise HTTPException(status_code=404, detail="Không có gợi ý này.") from None
        except ValueError as error:
            raise HTTPException(status_code=422, detail=str(error)) from None
        return {"id": feedback_id}

    # Handoff inbox --------------------------------------------------------------------------------
    @router.get("/console/api/queue")
    async def queue(request: Request) -> dict[str, Any]:
        session = session_of(request)
        open_handoffs = await asyncio.to_thread(runtime.handoffs.open_handoffs)
        names = await asyncio.to_thread(staff.names)
        now = time.time()
        return {
            "me": session.staff.id,
            "open_now": runtime.texts.hours.is_open(now),
            "handoffs": [_summary(h, names, now) for h in open_handoffs],
        }

    @router.get("/console/api/handoffs/{handoff_id}")
    async def handoff_detail(handoff_id: int, request: Request, assist: bool = False) -> dict[str, Any]:
        session = session_of(request)
        handoff = await _handoff(runtime, handoff_id)
        tracker = await asyncio.to_thread(runtime.service.agent.store.retrieve, handoff.sender_id)
        transcript = _transcript(tracker.events)
        last = (
            next((t["text"] for t in reversed(transcript) if t["from"] == "citizen"), None)
            or handoff.question
        )
        names = await asyncio.to_thread(staff.names)
        # The bot's suggestions for the citizen's last message, read in the conversation's context.
        suggestions = (
            await _suggest(runtime, session.staff.id, last, handoff.sender_id) if assist and last else None
        )
        return {**_summary(handoff, names, time.time()), "transcript": transcript, "assist": suggestions}

    @router.post("/console/api/handoffs/{handoff_id}/take")
    async def take(handoff_id: int, request: Request) -> dict[str, Any]:
        session = session_of(request)
        try:
            handoff = await asyncio.to_thread(runtime.handoffs.take, handoff_id, session.staff.id)
        except HandoffConflict as error:
            raise HTTPException(status_code=409, detail=f"Không nhận được: {error}.") from None
        notice = staff_message(
            handoff.sender_id, runtime.texts.taken(session.staff.name), staff_name=None, kind="notice"
        )
        await _send(runtime, handoff, [notice])
        return {"id": handoff.id, "state": handoff.state.value}

    @router.post("/console/api/handoffs/{handoff_id}/reply")
    async def reply(handoff_id: int, payload: ReplyRequest, request: Request) -> dict[str, Any]:
        session = session_of(request)
        handoff = await _handoff(runtime, handoff_id)
        if handoff.state != HandoffState.HELD or handoff.staff_id != session.staff.id:
            raise HTTPException(status_code=409, detail="Anh/chị cần nhận cuộc trò chuyện trước khi trả lời.")
        text = f"Cán bộ {session.staff.name}: {payload.text.strip()}"
        await _send(
            runtime,
            handoff,
            [staff_message(handoff.sender_id, text, staff_name=session.staff.name, kind="agent")],
        )
        return {"id": handoff.id, "delivered": True}

    @router.post("/console/api/handoffs/{handoff_id}/close")
    async def close(handoff_id: int, request: Request) -> dict[str, Any]:
        session = session_of(request)
        try:
            handoff = await asyncio.to_thread(runtime.handoffs.close, handoff_id, session.staff.id)
        except HandoffConflict as error:
            raise HTTPException(status_code=409, detail=f"Không kết thúc được: {error}.") from None
        await _send(
            runtime,
            handoff,
            [staff_message(handoff.sender_id, runtime.texts.closed(), staff_name=None, kind="notice")],
        )
        return {"id": handoff.id, "state": handoff.state.value}

    # Dossier lookup -------------------------------------------------------------------------------
    @router.post("/console/api/dossiers/lookup")
    async def lookup(payload: LookupRequest, request: Request) -> dict[str, Any]:
        session = session_of(request)
        dossier = runtime.service.dossier
        if dossier is None or dossier.deps.client is None:
            raise HTTPException(status_code=503, detail="Chưa kết nối hệ thống một cửa.")
        code = dossier.deps.code_format.normalize(payload.code)
        if code is None:
            raise HTTPException(
                status_code=422,
                detail=f"Mã hồ sơ không đúng dạng (ví dụ {dossier.deps.code_format.example}).",
            )
        try:
            record = await dossier.deps.client.lookup(code)
        except DossierServiceUnavailable:
            raise HTTPException(status_code=503, detail="Hệ thống một cửa tạm thời không trả lời.") from None
        await asyncio.to_thread(
            runtime.audit.record, staff_id=session.staff.id, code=code, found=record is not None
        )
        if record is None:
            raise HTTPException(status_code=404, detail=f"Không tìm thấy hồ sơ {code}.")
        status = record.effective_status(dossier.deps.today())
        return {
            "code": record.code,
            "status": status.value,
            "procedure": record.procedure,
            "received_on": record.received_on.isoformat() if record.received_on else None,
            "due_on": record.due_on.isoformat() if record.due_on else None,
            "step": record.step,
            "department": record.department,
            "missing": list(record.missing),
            "reason": record.reason,
            "updated_at": record.updated_at.isoformat() if record.updated_at else None,
        }

    # Supervisor -----------------------------------------------------------------------------------
    @router.get("/console/api/stats")
    async def stats(request: Request) -> dict[str, Any]:
        session_of(request, Role.SUPERVISOR)
        names = await asyncio.to_thread(staff.names)
        return await asyncio.to_thread(
            supervisor_stats,
            handoffs=runtime.handoffs,
            conversations=runtime.service.agent.store,  # type: ignore[arg-type]
            staff_names=names,
            timezone=runtime.settings.console.handoff.hours.timezone,
        )

    @router.get("/console/api/curator")
    async def curator(request: Request) -> dict[str, Any]:
        session_of(request, Role.SUPERVISOR)
        items = await asyncio.to_thread(runtime.log.worst)
        return {"items": [asdict(item) for item in items]}

    @router.get("/console/api/lookups")
    async def lookups(request: Request) -> dict[str, Any]:
        session_of(request, Role.SUPERVISOR)
        names = await asyncio.to_thread(staff.names)
        records = await asyncio.to_thread(runtime.audit.recent)
        return {
            "lookups": [
                {
                    "staff": names.get(r.staff_id, str(r.staff_id)),
                    "code": r.code,
                    "found": r.found,
                    "at": r.looked_up_at,
                }
                for r in records
            ]
        }

    return router


async def _suggest(
    runtime: ConsoleRuntime, staff_id: int, text: str, conversation_id: str | None
) -> dict[str, Any]:
    suggester = await runtime.calibrated()
    result = await asyncio.to_thread(suggester.suggest, text, conversation_id)
    ids = await asyncio.to_thread(
        runtime.log.record, staff_id=staff_id, query=text, suggestions=result.suggestions
    )
    body = result.as_json()
    for suggestion, suggestion_id in zip(body["suggestions"], ids, strict=True):
        suggestion["id"] = suggestion_id
    return body


async def _handoff(runtime: ConsoleRuntime, handoff_id: int) -> Handoff:
    handoff = await asyncio.to_thread(runtime.handoffs.get, handoff_id)
    if handoff is None:
        raise HTTPException(status_code=404, detail="Không có cuộc trò chuyện này.")
    return handoff


async def _send(runtime: ConsoleRuntime, handoff: Handoff, messages: list[BotMessage]) -> None:
    try:
        await deliver(runtime.service, handoff.channel, handoff.sender_id, messages)
    except Exception as error:  # the agent must know the citizen did not get it
        log.exception("handoff %d: delivery on %s failed", handoff.id, handoff.channel)
        raise HTTPException(
            status_code=502, detail=f"Chưa gửi được tới người dân qua {handoff.channel}: {error}"
        ) from None


def _summary(handoff: Handoff, names: dict[int, str], now: float) -> dict[str, Any]:
    waited = (handoff.taken_at or now) - handoff.queued_at
    return {
        "id": handoff.id,
        "sender": mask_numbers(handoff.sender_id),
        "conversation_id": handoff.sender_id,
        "channel": handoff.channel,
        "reason": handoff.reason,
        "state": handoff.state.value,
        "question": handoff.question,
        "queued_at": handoff.queued_at,
        "waited_seconds": round(waited, 1),
        "agent": names.get(handoff.staff_id) if handoff.staff_id is not None else None,
        "staff_id": handoff.staff_id,
    }


def _transcript(events: list[dict[str, Any]], limit: int = 200) -> list[dict[str, Any]]:
    """What the citizen wrote and what the bot and staff answered, in order."""
    items: list[dict[str, Any]] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            text = shown_user_text(event)
            if text is None:
                continue
            items.append({"from": "citizen", "text": text, "at": event.get("timestamp")})
        elif kind == "bot" and event.get("text"):
            custom = (event.get("data") or {}).get("custom") or {}
            who = "agent" if (custom.get("handoff") or {}).get("kind") == "agent" else "bot"
            items.append({"from": who, "text": str(event.get("text")), "at": event.get("timestamp")})
    return items[-limit:]
