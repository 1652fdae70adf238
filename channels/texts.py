"""What a channel itself says, when a message never reaches the core.

Only transport situations live here (too many messages, a photo the bot cannot read, a button that
expired); every answer about procedures comes from the core, so it is the same on every channel.
"""

from __future__ import annotations

__all__ = [
    "BUTTON_EXPIRED",
    "GREET_PAYLOAD",
    "HELP_PAYLOAD",
    "RATE_LIMITED",
    "TEMPORARY_ERROR",
    "UNSUPPORTED_CONTENT",
]

RATE_LIMITED = (
    "Dạ, anh/chị đang gửi tin nhắn hơi nhanh nên em chưa kịp xử lý. "
    "Anh/chị vui lòng đợi khoảng một phút rồi gửi lại câu hỏi giúp em ạ."
)
UNSUPPORTED_CONTENT = (
    "Dạ, hiện em chỉ đọc được tin nhắn dạng chữ. Anh/chị vui lòng gõ câu hỏi, ví dụ: "
    "\"hồ sơ cấp giấy phép lao động gồm những gì\" ạ."
)
BUTTON_EXPIRED = "Dạ, lựa chọn này đã hết hạn. Anh/chị vui lòng gõ lại câu hỏi giúp em ạ."
TEMPORARY_ERROR = "Dạ, hệ thống đang gặp sự cố tạm thời. Anh/chị vui lòng thử lại sau ít phút ạ."

# Transport "start" signals (Telegram /start, Zalo follow) reach the core as its greeting payload, so
# the welcome text is the core's own; /help as the "who are you, what can you do" question.
GREET_PAYLOAD = "/greet"
HELP_PAYLOAD = "/bot_challenge"
