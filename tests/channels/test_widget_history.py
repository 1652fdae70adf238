"""Widget history rebuilt from tracker events: what the person saw, not what the core received."""

from __future__ import annotations

from bot.events import action_executed, bot_uttered, session_started, user_uttered
from channels.widget import history_from_events

BUTTON = {"title": "Người có công (6)", "payload": '/list_procedures{"field": "nguoi_co_cong"}'}


def test_history_shows_titles_for_clicks_and_hides_silent_payloads() -> None:
    events = [
        session_started(),
        user_uttered("/greet", {}),
        bot_uttered("Dạ, em chào anh/chị!"),
        user_uttered("lĩnh vực nào có thủ tục", {}),
        action_executed("action_list_procedures"),
        bot_uttered("Anh/chị chọn lĩnh vực:", buttons=[BUTTON]),
        user_uttered(BUTTON["payload"], {}, metadata={"button_title": BUTTON["title"]}),
        bot_uttered("Dạ, lĩnh vực Người có công có 6 thủ tục"),
        bot_uttered(None),
    ]
    assert history_from_events(events) == [
        {"from": "bot", "text": "Dạ, em chào anh/chị!", "buttons": []},
        {"from": "user", "text": "lĩnh vực nào có thủ tục", "buttons": []},
        {"from": "bot", "text": "Anh/chị chọn lĩnh vực:", "buttons": [BUTTON]},
        {"from": "user", "text": "Người có công (6)", "buttons": []},
        {"from": "bot", "text": "Dạ, lĩnh vực Người có công có 6 thủ tục", "buttons": []},
    ]


def test_history_keeps_the_latest_messages() -> None:
    events = [user_uttered(f"câu {i}", {}) for i in range(150)]
    history = history_from_events(events, limit=100)
    assert len(history) == 100 and history[-1]["text"] == "câu 149" and history[0]["text"] == "câu 50"
