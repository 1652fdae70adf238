"""Channel adapters, all on one core: REST, the web widget, Telegram and Zalo OA.

Each adapter turns its transport into ``bot.messages.UserMessage`` and the core's ``BotMessage``s
back, nothing more; ``channels.base`` has the two shapes they share, ``channels.rate_limit`` the
per-sender limit every one of them applies. The app mounts them in ``bot.api.channels``.
"""

__all__: list[str] = []
