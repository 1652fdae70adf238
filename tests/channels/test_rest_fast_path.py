"""``RestFastPath``: the webhook's plain requests answered without FastAPI's route, everything else
handed on with its body as received; and through the whole app, the same answer either way."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from channels.rest import SENDER_SECRET_HEADER, WEBHOOK_PATH, RestFastPath, RestMessage


class Recorder:
    """The app behind the middleware (FastAPI's route in the service): what reached it, and its body."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        self.bodies.append(body)
        await JSONResponse({"error": "from the route"}, status_code=422)(scope, receive, send)


def call(app: Any, body: bytes, headers: list[tuple[bytes, bytes]], *, chunks: int = 1) -> tuple[int, bytes]:
    pieces = [body[i * len(body) // chunks : (i + 1) * len(body) // chunks] for i in range(chunks)]
    incoming: list[Message] = [
        {"type": "http.request", "body": piece, "more_body": i < chunks - 1} for i, piece in enumerate(pieces)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": WEBHOOK_PATH, "root_path": "", "headers": headers}
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], b"".join(m.get("body", b"") for m in sent[1:])


def fast_path() -> tuple[RestFastPath, Recorder, list[tuple[RestMessage, str | None]]]:
    answered: list[tuple[RestMessage, str | None]] = []

    async def answer(payload: RestMessage, secret: str | None) -> JSONResponse:
        answered.append((payload, secret))
        return JSONResponse([{"recipient_id": payload.sender, "text": "dạ"}])

    behind = Recorder()
    return RestFastPath(behind, answer=answer), behind, answered


JSON = (b"content-type", b"application/json")


def test_a_plain_request_is_answered_without_the_route() -> None:
    app, behind, answered = fast_path()
    body = json.dumps({"sender": "a", "message": "lệ phí bao nhiêu"}).encode()
    status, reply = call(app, body, [JSON, (b"x-dvcbot-sender-secret", b"s3cret")], chunks=3)
    assert status == 200 and json.loads(reply) == [{"recipient_id": "a", "text": "dạ"}]
    assert behind.bodies == []
    assert [(p.sender, p.message, s) for p, s in answered] == [("a", "lệ phí bao nhiêu", "s3cret")]


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", [JSON]),
        (b'{"sender": "", "message": "x"}', [JSON]),  # refused by RestMessage
        (b'{"sender": "a", "message": "x"}', [(b"content-type", b"text/plain")]),
        (b'{"sender": "a", "message": "x"}', []),  # no content type
        (b'{"sender": "a", "message": "x"}', [JSON, JSON]),
        (b'{"sender": "a", "message": "x"}', [JSON, (b"x-dvcbot-sender-secret", b"a"), (b"x-dvcbot-sender-secret", b"b")]),
        (b'{"sender": "a", "message": "x"}', [JSON, (b"x-dvcbot-sender-secret", b"s" * 201)]),
    ],
)
def test_anything_else_goes_to_the_route_with_its_body(body: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    app, behind, answered = fast_path()
    status, reply = call(app, body, headers, chunks=2)
    assert status == 422 and json.loads(reply) == {"error": "from the route"}
    assert behind.bodies == [body] and answered == []


def test_the_service_answers_alike_through_either(client: TestClient) -> None:
    """``application/vnd+json`` is FastAPI's route's to read (the fast path takes application/json only)."""
    replies = []
    for content_type in ("application/json", "application/vnd.dvcbot+json"):
        sender = f"fast-{uuid.uuid4().hex[:8]}"
        response = client.post(
            WEBHOOK_PATH, content=json.dumps({"sender": sender, "message": "xin chào"}).encode(),
            headers={"content-type": content_type},
        )
        assert response.status_code == 200 and SENDER_SECRET_HEADER in response.headers
        replies.append([{**r, "recipient_id": None} for r in response.json()])
    assert replies[0] == replies[1]
    bad = client.post(WEBHOOK_PATH, content=b'{"sender": "", "message": "x"}', headers={"content-type": "application/json"})
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "sender"
