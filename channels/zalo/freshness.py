"""Zalo events are refused once their own ``timestamp`` is too old (or too far ahead).

The signature covers the timestamp, so an attacker cannot re-date a captured event; refusing old
dates bounds how long a captured event is worth replaying at all, and the de-duplication memory
only has to outlive that window. Zalo's timestamps are milliseconds since the epoch
(``"1763800000000"``).

``age_problem("1500000000000", now=1_763_800_000.0, max_age_seconds=900, max_ahead_seconds=120)``
→ ``"event dated 2017-07-14T02:40:00Z is older than 900 s"``.
"""

from __future__ import annotations

import datetime as dt

__all__ = ["age_problem", "event_seconds"]


def event_seconds(timestamp: str) -> float | None:
    """The event's time in unix seconds, or ``None`` when ``timestamp`` is not Zalo's milliseconds."""
    digits = timestamp.strip()
    if not digits.isdigit() or len(digits) > 16:
        return None
    return int(digits) / 1000.0


def age_problem(timestamp: str, *, now: float, max_age_seconds: float, max_ahead_seconds: float) -> str | None:
    """Why an event with this ``timestamp`` is not fresh enough to answer, or ``None``."""
    seconds = event_seconds(timestamp)
    if seconds is None:
        return "event timestamp is not milliseconds since the epoch"
    when = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if now - seconds > max_age_seconds:
        return f"event dated {when} is older than {max_age_seconds:g} s"
    if seconds - now > max_ahead_seconds:
        return f"event dated {when} is in the future"
    return None
