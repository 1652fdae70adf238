"""The ``console:`` section of ``config.yml``: staff accounts, agent assist and the handoff inbox."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = ["AssistSettings", "ConsoleSettings", "HandoffSettings", "StaffSettings", "WorkingHours"]


class StaffSettings(BaseModel):
    session_idle_minutes: float = 30  # a session unused this long expires
    session_max_hours: float = 12  # and any session after this long, used or not
    max_failed_logins: int = 5  # then the account is locked for
    lockout_minutes: float = 15  # this long (doubled by each further failure, up to a day)


class AssistSettings(BaseModel):
    # Calibrated probability (bench: nlu/data/test.yml) under which the console says "unsure".
    min_confidence: float = 0.5
    max_suggestions: int = 3
    calibration_data: str = "nlu/data/test.yml"


class WorkingHours(BaseModel):
    """When staff answer: ISO weekdays (1 = Monday) and local opening hours."""

    timezone: str = "Asia/Ho_Chi_Minh"
    weekdays: list[int] = Field(default_factory=lambda: [1, 2, 3, 4, 5])
    opens: str = "07:30"
    closes: str = "17:00"  # "24:00" = until midnight


class HandoffSettings(BaseModel):
    enabled: bool = True
    usual_wait_minutes: float = 5  # said to citizens until enough handoffs were taken to measure it
    failures_in_a_row: int = 2  # the bot failing this many turns in a row hands the conversation over
    hours: WorkingHours = WorkingHours()


class ConsoleSettings(BaseModel):
    staff: StaffSettings = StaffSettings()
    assist: AssistSettings = AssistSettings()
    handoff: HandoffSettings = HandoffSettings()
