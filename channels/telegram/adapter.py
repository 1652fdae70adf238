"""Telegram ⇄ the core, with python-telegram-bot's ``Application`` doing the transport.

Text messages and inline-keyboard clicks become ``UserMessage``s (sender ``telegram:<chat id>``,
so a Telegram chat never shares a tracker with another channel's user); the core's messages come
back as Telegram messages (``render``). ``/start`` and ``/help`` reach the core as its greeting
and "who are you" payloads, so their texts are the core's. Photos, stickers, voice and the like get
a polite "text only" reply without a turn. A sender over the shared rate limit gets a polite reply
and the message is not processed.

The same handlers serve the webhook (``dvcbot run``) and polling (``dvcbot telegram --polling``).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging

from telegram import Bot, LinkPreviewOptions, Update
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot.messages import BotMessage, UserMessage
from channels.base import OnMessage
from channels.rate_limit import RateLimiter
from channels.telegram.render import PayloadCodes, render
from channels.texts import (
    BUTTON_EXPIRED,
    GREET_PAYLOAD,
    HELP_PAYLOAD,
    RATE_LIMITED,
    TEMPORARY_ERROR,
    UNSUPPORTED_CONTENT,
)

__all__ = ["CHANNEL", "TelegramChannel", "build_application", "chat_id_of", "sender_of"]

log = logging.getLogger("dvcbot.channels.telegram")
CHANNEL = "telegram"
_PREFIX = f"{CHANNEL}:"
_SEND_ATTEMPTS = 3
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def sender_of(chat_id: int | str) -> str:
    return f"{_PREFIX}{chat_id}"


def chat_id_of(sender_id: str) -> int:
    """``"telegram:123"`` → ``123``; ``ValueError`` for an id of another channel."""
    if not sender_id.startswith(_PREFIX):
        raise ValueError(f"not a Telegram sender id: {sender_id!r}")
    return int(sender_id[len(_PREFIX):])


def build_application(token: str, *, base_url: str, polling: bool) -> Application:  # type: ignore[type-arg]
    """A PTB application: without an ``Updater`` for the webhook, with one for polling.

    Updates are handled concurrently (the core serialises the turns of one sender), so one slow
    turn never holds up everybody else's.
    """
    builder = Application.builder().token(token).base_url(base_url).concurrent_updates(True)
    if not polling:
        builder = builder.updater(None)
    return builder.build()


class TelegramChannel:
    def __init__(self, on_message: OnMessage, *, limiter: RateLimiter, codes: PayloadCodes | None = None) -> None:
        self._on_message = on_message
        self._limiter = limiter
        self._codes = codes or PayloadCodes()
        self._bot: Bot | None = None

    def install(self, application: Application) -> None:  # type: ignore[type-arg]
        """Register the handlers on ``application`` (webhook or polling alike)."""
        self._bot = application.bot
        new = filters.UpdateType.MESSAGE  # an edited message is not a new question
        application.add_handler(CommandHandler("start", self._on_start, filters=new))
        application.add_handler(CommandHandler("help", self._on_help, filters=new))
        application.add_handler(MessageHandler(new & filters.COMMAND, self._on_help))  # unknown commands
        application.add_handler(MessageHandler(new & filters.TEXT & ~filters.COMMAND, self._on_text))
        application.add_handler(CallbackQueryHandler(self._on_button))
        application.add_handler(MessageHandler(new & ~filters.TEXT & ~filters.StatusUpdate.ALL, self._on_unsupported))
        application.add_error_handler(self._on_error)

    # Handlers ---------------------------------------------------------------------------------
    async def _on_start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(context.bot, update, GREET_PAYLOAD)

    async def _on_help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._turn(context.bot, update, HELP_PAYLOAD)

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        if message is not None and message.text is not None:
            await self._turn(context.bot, update, message.text)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or update.effective_chat is None:
            return
        await query.answer()  # stops the button's spinner on the user's screen
        payload = self._codes.decode(query.data or "")
        if payload is None:
            await self._deliver(context.bot, update.effective_chat.id, [BUTTON_EXPIRED])
            return
        title = _button_title(update, query.data or "")
        await self._turn(context.bot, update, payload, message_id=f"callback:{query.id}",
                         metadata={"button_title": title} if title else {})

    async def _on_unsupported(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        if self._limiter.allow(sender_of(chat.id)):
            await self._deliver(context.bot, chat.id, [UNSUPPORTED_CONTENT])

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        log.error("telegram update failed: %r", context.error, exc_info=context.error)
        if isinstance(update, Update) and update.effective_chat is not None:
            try:
                await context.bot.send_message(update.effective_chat.id, TEMPORARY_ERROR)
            except TelegramError:
                log.warning("could not tell chat %s about the failure", update.effective_chat.id)

    # The turn -----------------------------------------------------------------------------------
    async def _turn(
        self,
        bot: Bot,
        update: Update,
        text: str,
        *,
        message_id: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> None:
        chat = update.effective_chat
        if chat is None:
            return
        sender = sender_of(chat.id)
        if not self._limiter.allow(sender):
            await self._deliver(bot, chat.id, [RATE_LIMITED])
            return
        if message_id is None and update.effective_message is not None:
            message_id = str(update.effective_message.message_id)
        try:
            await bot.send_chat_action(chat.id, ChatAction.TYPING)
        except TelegramError as error:  # the indicator is a nicety; the answer still goes out
            log.debug("typing indicator failed: %s", error)
        replies = await self._on_message(
            UserMessage(text=text, sender_id=sender, input_channel=CHANNEL, message_id=message_id,
                        metadata=metadata or {})
        )
        await self.send_to_chat(bot, chat.id, replies)

    # Output ------------------------------------------------------------------------------------
    async def send(self, recipient_id: str, messages: list[BotMessage]) -> None:
        """``OutputSender``: push ``messages`` to ``telegram:<chat id>`` outside a turn."""
        if self._bot is None:
            raise RuntimeError("the Telegram channel is not installed on an application")
        await self.send_to_chat(self._bot, chat_id_of(recipient_id), messages)

    async def send_to_chat(self, bot: Bot, chat_id: int, messages: list[BotMessage]) -> None:
        for message in messages:
            for part in render(message, self._codes):
                await self._send_one(bot, chat_id, part.text, part.keyboard)

    async def _deliver(self, bot: Bot, chat_id: int, texts: list[str]) -> None:
        for text in texts:
            await self._send_one(bot, chat_id, text, None)

    async def _send_one(self, bot: Bot, chat_id: int, text: str, keyboard: object) -> None:
        """Send one message; wait out flood control and retry network errors, give up on a block."""
        for attempt in range(1, _SEND_ATTEMPTS + 1):
            try:
                await bot.send_message(
                    chat_id, text, reply_markup=keyboard, link_preview_options=_NO_PREVIEW  # type: ignore[arg-type]
                )
                return
            except Forbidden:
                log.warning("chat %s blocked the bot or left; message dropped", chat_id)
                return
            except RetryAfter as error:
                if attempt == _SEND_ATTEMPTS:
                    raise
                await asyncio.sleep(_seconds(error.retry_after))
            except BadRequest:
                raise
            except NetworkError as error:
                if attempt == _SEND_ATTEMPTS:
                    raise
                log.warning("telegram send to %s failed (%s); retrying", chat_id, error)
                await asyncio.sleep(0.5 * 2 ** (attempt - 1))


def _button_title(update: Update, data: str) -> str | None:
    """The title of the clicked button, read from the keyboard of the message it sits on."""
    query = update.callback_query
    message = query.message if query is not None else None
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", ()) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return None


def _seconds(value: float | dt.timedelta) -> float:
    return value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
