"""Telegram channel (python-telegram-bot v22): webhook on the app, polling for development."""

from channels.telegram.adapter import CHANNEL, TelegramChannel, build_application, chat_id_of, sender_of
from channels.telegram.render import PayloadCodes, TelegramPart, render
from channels.telegram.webhook import SECRET_HEADER, TelegramWebhook

__all__ = [
    "CHANNEL",
    "SECRET_HEADER",
    "PayloadCodes",
    "TelegramChannel",
    "TelegramPart",
    "TelegramWebhook",
    "build_application",
    "chat_id_of",
    "render",
    "sender_of",
]
