"""Zalo Official Account channel: signed webhook in, OA consultation messages out."""

from channels.zalo.adapter import CHANNEL, ZaloChannel, ZaloEvent, sender_of, user_id_of
from channels.zalo.api import REPLY_WINDOW_ERRORS, RETRYABLE_ERRORS, TOKEN_ERRORS, ZaloApi, ZaloApiError
from channels.zalo.render import CHOICES_HEADER, ChoiceMemory, render_replies
from channels.zalo.signature import SIGNATURE_HEADER, sign, verify
from channels.zalo.tokens import FileTokenStore, MemoryTokenStore, TokenManager, TokenPair, TokenRefreshError
from channels.zalo.webhook import EventWindow, zalo_webhook_router

__all__ = [
    "CHANNEL",
    "CHOICES_HEADER",
    "REPLY_WINDOW_ERRORS",
    "RETRYABLE_ERRORS",
    "SIGNATURE_HEADER",
    "TOKEN_ERRORS",
    "ChoiceMemory",
    "EventWindow",
    "FileTokenStore",
    "MemoryTokenStore",
    "TokenManager",
    "TokenPair",
    "TokenRefreshError",
    "ZaloApi",
    "ZaloApiError",
    "ZaloChannel",
    "ZaloEvent",
    "render_replies",
    "sender_of",
    "sign",
    "user_id_of",
    "verify",
    "zalo_webhook_router",
]
