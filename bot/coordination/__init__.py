"""What several workers share: conversation locks, the outbound message bus, and the Redis they use.

One process (the embedded default) needs none of it and uses the in-process versions; ``dvcbot run
--workers N`` and several ``dvcbot run`` behind a load balancer need Redis (``redis.url``).
"""

from bot.coordination.bus import Bus, LocalBus, RedisBus, user_topic
from bot.coordination.errors import CoordinationUnavailable
from bot.coordination.locks import ConversationLocks, Held, LocalLocks, RedisLocks

__all__ = [
    "Bus",
    "ConversationLocks",
    "CoordinationUnavailable",
    "Held",
    "LocalBus",
    "LocalLocks",
    "RedisBus",
    "RedisLocks",
    "user_topic",
]
