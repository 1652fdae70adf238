"""What the phone line says, in written Vietnamese; ``telephony.speech_text`` makes it speakable.

Kept apart from the call flow so the wording can be reviewed (and changed) without reading the
state machine. Every prompt that waits for a key says which keys there are.
"""

from __future__ import annotations

__all__ = [
    "ASK_DIGITS",
    "ASK_QUESTION",
    "BAD_DIGITS",
    "BAD_KEY",
    "DIGITS_SILENCE",
    "GOODBYE_SILENCE",
    "MENU",
    "MENU_AGAIN",
    "NOT_VERIFIED_AGAIN",
    "NOT_VERIFIED_FINAL",
    "NO_CALLER_NUMBER",
    "NO_SPEECH",
    "QUESTION_SILENCE",
    "QUESTION_TRY_LATER",
    "SERVICE_DOWN",
    "STATUS_UNAVAILABLE",
    "TRANSFER",
    "TRANSFER_AFTER_BAD_KEYS",
    "VERIFICATION_LOCKED",
    "WELCOME",
    "dossier_count",
]

WELCOME = "Xin chào, đây là tổng đài hỗ trợ thủ tục hành chính lĩnh vực lao động, người có công và xã hội."
MENU = (
    "Để tra cứu tình trạng hồ sơ, xin bấm phím 1. Để hỏi về thủ tục, xin bấm phím 2. "
    "Để gặp tổng đài viên, xin bấm phím 0."
)
MENU_AGAIN = "Bấm 0 để gặp tổng đài viên, bấm 2 để hỏi câu khác, hoặc bấm 1 để tra cứu hồ sơ."
BAD_KEY = "Xin lỗi, phím anh chị vừa bấm không có trong danh sách."
GOODBYE_SILENCE = "Em chưa nhận được lựa chọn của anh chị. Cảm ơn anh chị đã gọi, xin chào và hẹn gặp lại."
TRANSFER = "Dạ, em xin chuyển máy tới tổng đài viên, anh chị vui lòng giữ máy."
TRANSFER_AFTER_BAD_KEYS = "Em xin chuyển máy tới tổng đài viên để hỗ trợ anh chị, anh chị vui lòng giữ máy."

NO_CALLER_NUMBER = (
    "Xin lỗi, tổng đài không nhận được số điện thoại anh chị đang gọi nên chưa tra cứu được hồ sơ. "
    "Anh chị có thể gọi từ số đã đăng ký trên hồ sơ, hoặc bấm 0 để gặp tổng đài viên."
)
STATUS_UNAVAILABLE = (
    "Xin lỗi, tổng đài chưa kết nối được hệ thống tra cứu hồ sơ. Anh chị vui lòng bấm 0 để gặp tổng đài viên."
)
ASK_DIGITS = (
    "Để bảo mật, xin anh chị nhập 4 số cuối của số CCCD đã khai trên hồ sơ, rồi bấm phím thăng. "
    "Bấm phím sao để quay lại."
)
DIGITS_SILENCE = "Em chưa nhận được số nào."
BAD_DIGITS = "Xin anh chị nhập đủ 4 chữ số."
NOT_VERIFIED_AGAIN = "Thông tin chưa khớp với hồ sơ nào đăng ký bằng số điện thoại này. Xin anh chị nhập lại 4 số cuối của số CCCD."
NOT_VERIFIED_FINAL = (
    "Thông tin vẫn chưa khớp nên em chưa thể đọc thông tin hồ sơ. Anh chị có thể bấm 0 để gặp tổng đài viên."
)
VERIFICATION_LOCKED = (
    "Số điện thoại này đã nhập sai quá nhiều lần nên tạm thời chưa tra cứu được. "
    "Anh chị vui lòng thử lại sau, hoặc bấm 0 để gặp tổng đài viên."
)
SERVICE_DOWN = "Xin lỗi, hệ thống tra cứu hồ sơ đang bận. Anh chị vui lòng thử lại sau ít phút, hoặc bấm 0 để gặp tổng đài viên."

NO_SPEECH = (
    "Xin lỗi, tổng đài này chưa nhận câu hỏi bằng giọng nói. Anh chị vui lòng bấm 0 để gặp tổng đài viên."
)
ASK_QUESTION = (
    "Mời anh chị nói câu hỏi về thủ tục sau tiếng bíp, ví dụ: lệ phí cấp giấy phép lao động là bao nhiêu."
)
QUESTION_SILENCE = "Em chưa nghe rõ câu hỏi. Mời anh chị nói lại."
QUESTION_TRY_LATER = "Xin lỗi, em chưa trả lời được câu hỏi này lúc này."


def dossier_count(count: int) -> str:
    return f"Số điện thoại này có {count} hồ sơ đã xác minh." if count > 1 else ""
