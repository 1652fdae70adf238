"""Working hours of the call centre: open now? when next? — from ``console.handoff.hours``."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from console.settings import WorkingHours

__all__ = ["OfficeHours"]

WEEKDAY_NAMES = {
    1: "Thứ Hai",
    2: "Thứ Ba",
    3: "Thứ Tư",
    4: "Thứ Năm",
    5: "Thứ Sáu",
    6: "Thứ Bảy",
    7: "Chủ nhật",
}


def _minutes(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class OfficeHours:
    def __init__(self, config: WorkingHours) -> None:
        self._zone = ZoneInfo(config.timezone)
        self._days = sorted(set(config.weekdays))
        self._opens = _minutes(config.opens)
        self._closes = _minutes(config.closes)
        self.opens_text = config.opens
        self.closes_text = config.closes

    def describe(self) -> str:
        """ "07:30–17:00, Thứ Hai – Thứ Sáu"."""
        if not self._days:
            return "không có giờ trực"
        days = self._days
        contiguous = days == list(range(days[0], days[-1] + 1))
        names = (
            f"{WEEKDAY_NAMES[days[0]]} – {WEEKDAY_NAMES[days[-1]]}"
            if contiguous and len(days) > 1
            else ", ".join(WEEKDAY_NAMES[d] for d in days)
        )
        return f"{self.opens_text}–{self.closes_text}, {names}"

    def is_open(self, moment: float) -> bool:
        local = dt.datetime.fromtimestamp(moment, self._zone)
        minute = local.hour * 60 + local.minute
        return local.isoweekday() in self._days and self._opens <= minute < self._closes

    def next_opening(self, moment: float) -> dt.datetime | None:
        """The next time staff are back (local time), ``None`` when no day is a working day."""
        local = dt.datetime.fromtimestamp(moment, self._zone)
        for ahead in range(8):
            day = (local + dt.timedelta(days=ahead)).date()
            if day.isoweekday() not in self._days:
                continue
            start = dt.datetime.combine(day, dt.time(self._opens // 60, self._opens % 60), self._zone)
            if start > local:
                return start
        return None

    def back_text(self, moment: float) -> str:
        """ "7:30 Thứ Hai, 08/12/2026"."""
        opening = self.next_opening(moment)
        if opening is None:
            return "khi tổng đài hoạt động trở lại"
        return f"{opening:%H:%M} {WEEKDAY_NAMES[opening.isoweekday()]}, {opening:%d/%m/%Y}"
