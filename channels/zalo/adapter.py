"""Zalo OA events ⇄ the core.

``classify`` looks at a verified event and decides, fast, what it is: a user's text (a turn), a
follow (the core's greeting), a photo/sticker/file (a polite "text only" reply), an unfollow or an
event the bot has nothing to do with (acknowledged, nothing sent), or a resend of an event already
handled (``message.msg_id`` seen before). An event without a ``msg_id`` (Zalo's always carry one)
is remembered by a digest of the whole signed event, timestamp included, so replaying it is a
duplicate too instead of being answered forever. ``handle`` then does the slow part — the turn and
the replies — after the webhook has answered 200.

Senders are ``zalo:<user id>``, so a Zalo user never shares a tracker with another channel's user.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.messages import BotMessage, UserMessage
from channels.base import OnMessage
from channels.dedupe import SeenIds
from channels.rate_limit import RateLimiter
from channels.texts import GREET_PAYLOAD, RATE_LIMITED, UNSUPPORTED_CONTENT
from channels.zalo.api import ZaloApi
from channels.zalo.render import ChoiceMemory, render_replies

__all__ = ["CHANNEL", "ZaloChannel", "ZaloEvent", "sender_of", "user_id_of"]

log = logging.getLogger("dvcbot.channels.zalo")
CHANNEL = "zalo"
_PREFIX = f"{CHANNEL}:"
_MEDIA_EVENTS = frozenset({
    "user_send_image", "user_send_gif", "user_send_sticker", "user_send_file", "user_send_audio",
    "user_send_video", "user_send_location", "user_send_link", "user_send_business_card",
})

Kind = Literal["text", "follow", "media", "unfollow", "ignored", "duplicate"]


def sender_of(user_id: str) -> str:
    return f"{_PREFIX}{user_id}"


def user_id_of(sender_id: str) -> str:
    if not sender_id.startswith(_PREFIX):
        raise ValueError(f"not a Zalo sender id: {sender_id!r}")
    return sender_id[len(_PREFIX):]


@dataclass(frozen=True, slots=True)
class ZaloEvent:
    kind: Kind
    user_id: str = ""
    text: str = ""
    msg_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


class ZaloChannel:
    def __init__(
        self,
        on_message: OnMessage,
        *,
        api: ZaloApi,
        limiter: RateLimiter,
        recent: SeenIds,
        choices: ChoiceMemory | None = None,
    ) -> None:
        self._on_message = on_message
        self._api = api
        self._limiter = limiter
        self._recent = recent
        self._choices = choices or ChoiceMemory()

    def classify(self, event: dict[str, Any]) -> ZaloEvent:
        """What a verified event asks of the bot; a resend of a handled event is ``duplicate``."""
        name = str(event.get("event_name") or "")
        found = event.get("message")
        message: dict[str, Any] = found if isinstance(found, dict) else {}
        if name == "user_send_text" or name in _MEDIA_EVENTS:
            user_id = _id(event.get("sender"))
            msg_id = str(message.get("msg_id") or "") or None
            if not user_id:
                log.warning("zalo %s without a sender id ignored", name)
                return ZaloEvent("ignored", raw=event)
            seen_as = f"{_PREFIX}msg:{msg_id}" if msg_id else f"{_PREFIX}event:{_digest(event)}"
            if not self._recent.first_time(seen_as):
                return ZaloEvent("duplicate", user_id, msg_id=msg_id, raw=event)
            if name == "user_send_text":
                return ZaloEvent("text", user_id, str(message.get("text") or ""), msg_id, event)
            return ZaloEvent("media", user_id, msg_id=msg_id, raw=event)
        if name in ("follow", "unfollow"):
            user_id = _id(event.get("follower")) or _id(event.get("sender"))
            if not user_id:
                return ZaloEvent("ignored", raw=event)
            if not self._recent.first_time(f"{_PREFIX}{name}:{user_id}:{event.get('timestamp')}"):
                return ZaloEvent("duplicate", user_id, raw=event)
            return ZaloEvent("follow" if name == "follow" else "unfollow", user_id, raw=event)
        return ZaloEvent("ignored", raw=event)

    async def handle(self, event: ZaloEvent) -> None:
        """The slow part, run after the webhook answered: the turn and the replies."""
        if event.kind == "unfollow":
            log.info("zalo user %s unfollowed the OA", event.user_id)
            return
        if event.kind not in ("text", "follow", "media"):
            return
        sender = sender_of(event.user_id)
        if not self._limiter.allow(sender):
            await self._send_texts(event.user_id, [RATE_LIMITED], reply_to=event.msg_id)
            return
        if event.kind == "media":
            await self._send_texts(event.user_id, [UNSUPPORTED_CONTENT], reply_to=event.msg_id)
            return
        text, metadata = event.text, {}
        if event.kind == "follow":
            text = GREET_PAYLOAD
        else:
            chosen = self._choices.choose(event.user_id, event.text)
            if chosen is not None:
                text, metadata = chosen["payload"], {"button_title": chosen["title"]}
        replies = await self._on_message(
            UserMessage(text=text, sender_id=sender, input_channel=CHANNEL, message_id=event.msg_id,
                        metadata=metadata)
        )
        await self._send_replies(event.user_id, replies, reply_to=event.msg_id)

    async def send(self, recipient_id: str, messages: list[BotMessage]) -> None:
        """``OutputSender``: push ``messages`` to ``zalo:<user id>`` outside a turn."""
        await self._send_replies(user_id_of(recipient_id), messages, reply_to=None)

    async def _send_replies(self, user_id: str, replies: list[BotMessage], *, reply_to: str | None) -> None:
        texts, offered = render_replies(replies)
        self._choices.offer(user_id, offered)
        await self._send_texts(user_id, texts, reply_to=reply_to)

    async def _send_texts(self, user_id: str, texts: list[str], *, reply_to: str | None) -> None:
        for text in texts:
            if not await self._api.send_text(user_id, text, reply_to=reply_to):
                return  # outside the reply window: the rest would be dropped too


def _digest(event: dict[str, Any]) -> str:
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _id(value: Any) -> str:
    return str(value.get("id") or "") if isinstance(value, dict) else ""
