"""Local fakes of the Telegram Bot API and the Zalo OA API that record what the bot sent.

Each is a small FastAPI app served on 127.0.0.1 (``ServerThread``); the adapters are pointed at it
through their configurable base URLs, so the real clients (python-telegram-bot, httpx) do the HTTP.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

__all__ = ["BOT_USER", "Call", "FakeTelegram", "FakeZalo"]

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "Trợ lý DVC", "username": "dvc_demo_bot"}


@dataclass(frozen=True)
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class _Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[Call] = []

    def record(self, call: Call) -> None:
        with self._lock:
            self._calls.append(call)

    def calls(self, method: str | None = None) -> list[Call]:
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def clear(self) -> None:
        with self._lock:
            self._calls.clear()


async def _params(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if request.headers.get("content-type", "").startswith("application/json"):
        return dict(json.loads(raw or b"{}"))
    return {key: values[-1] for key, values in parse_qs(raw.decode("utf-8")).items()}


class FakeTelegram(_Recorder):
    """``/bot<token>/<method>`` as the Bot API answers it; ``sendMessage`` calls are recorded in order."""

    def __init__(self, token: str) -> None:
        super().__init__()
        self.token = token
        self._message_id = 1000
        self.updates: list[dict[str, Any]] = []  # served once by getUpdates (polling mode)
        self.app = FastAPI()
        self.app.add_api_route("/bot{token}/{method}", self._handle, methods=["POST", "GET"])

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        return [
            str(c.params["text"]) for c in self.calls("sendMessage")
            if chat_id is None or int(c.params["chat_id"]) == chat_id
        ]

    async def _handle(self, token: str, method: str, request: Request) -> JSONResponse:
        if token != self.token:
            return JSONResponse(status_code=401, content={"ok": False, "error_code": 401, "description": "Unauthorized"})
        params = await _params(request)
        self.record(Call(method, params))
        if method == "getMe":
            return _ok(BOT_USER)
        if method == "sendMessage":
            self._message_id += 1
            message: dict[str, Any] = {
                "message_id": self._message_id,
                "from": BOT_USER,
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "date": int(time.time()),
                "text": params["text"],
            }
            if "reply_markup" in params:
                message["reply_markup"] = json.loads(params["reply_markup"])
            return _ok(message)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            pending = [u for u in self.updates if u["update_id"] >= offset]
            self.updates = []
            return _ok(pending)
        return _ok(True)


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


class FakeZalo(_Recorder):
    """``POST /v3.0/oa/message/cs`` and ``POST /v4/oa/access_token`` as Zalo answers them.

    ``valid_tokens`` are the access tokens the fake accepts (others get ``-216``); ``script`` holds
    canned answers for the next message calls (``{"error": -32, ...}``), used before the default
    success.
    """

    def __init__(self) -> None:
        super().__init__()
        self.valid_tokens = {"token-1"}
        self.refresh_tokens = {"refresh-1": ("token-2", "refresh-2")}
        self.app_secret_key = "app-secret"
        self.script: list[dict[str, Any]] = []
        self.delay_seconds = 0.0
        self.app = FastAPI()
        self.app.add_api_route("/v3.0/oa/message/cs", self._message, methods=["POST"])
        self.app.add_api_route("/v4/oa/access_token", self._refresh, methods=["POST"])

    def sent_texts(self, user_id: str | None = None) -> list[str]:
        return [
            str(c.params["message"]["text"]) for c in self.calls("message")
            if c.params.get("_delivered") and (user_id is None or c.params["recipient"]["user_id"] == user_id)
        ]

    async def _message(self, request: Request) -> JSONResponse:
        body = await _params(request)
        token = request.headers.get("access_token", "")
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        if token not in self.valid_tokens:
            answer: dict[str, Any] = {"error": -216, "message": "Access token is invalid"}
        elif self.script:
            answer = self.script.pop(0)
        else:
            answer = {"error": 0, "message": "Success",
                      "data": {"message_id": f"oa-{len(self.calls('message'))}", "user_id": body["recipient"]["user_id"]}}
        body["_delivered"] = answer.get("error") == 0
        self.record(Call("message", body, {"access_token": token}))
        return JSONResponse(answer)

    async def _refresh(self, request: Request) -> JSONResponse:
        form = await _params(request)
        self.record(Call("refresh", form, {"secret_key": request.headers.get("secret_key", "")}))
        pair = self.refresh_tokens.pop(str(form.get("refresh_token")), None)
        if request.headers.get("secret_key") != self.app_secret_key or form.get("grant_type") != "refresh_token":
            return JSONResponse({"error": -14002, "error_name": "Invalid app secret", "error_description": "bad secret"})
        if pair is None:
            return JSONResponse({"error": -14014, "error_name": "Invalid refresh token",
                                 "error_description": "refresh token expired or used"})
        self.valid_tokens.add(pair[0])
        return JSONResponse({"access_token": pair[0], "refresh_token": pair[1], "expires_in": "90000"})
