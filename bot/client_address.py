"""The network address a request came from, as a key an attacker cannot rotate cheaply.

IPv4 addresses count one by one; IPv6 addresses by their /64 network, since anyone with one IPv6
address usually holds the whole /64 (2^64 addresses to rotate through). Behind a reverse proxy,
run uvicorn with ``--proxy-headers --forwarded-allow-ips=<proxy>``: the address is then the one the
trusted proxy saw.

The HTTP layer sets the address of the request being served (``bot.api.client_context``), so the
dossier actions can limit lookups by address without it ever being stored in a conversation:
``current_client_address()`` is ``None`` outside a request (the shell, a push, a test calling the
agent directly).

``address_key("2001:db8:1:2:aaaa::1")`` → ``"ip6:2001:db8:1:2::/64"``; ``address_key("203.0.113.7")`` → ``"ip:203.0.113.7"``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

__all__ = ["address_key", "current_client_address", "serving_client"]

_CURRENT: ContextVar[str | None] = ContextVar("dvcbot_client_address", default=None)


def address_key(host: str | None) -> str | None:
    """``ip:<v4>`` or ``ip6:<v6 /64>``; a host that is not an address (``"testclient"``) as ``host:<name>``."""
    if not host:
        return None
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return f"host:{host[:100]}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip6:{ipaddress.IPv6Network((address, 64), strict=False)}"
    return f"ip:{address}"


def current_client_address() -> str | None:
    """The key of the address of the request being served, if any."""
    return _CURRENT.get()


@contextmanager
def serving_client(host: str | None) -> Iterator[None]:
    token = _CURRENT.set(address_key(host))
    try:
        yield
    finally:
        _CURRENT.reset(token)
