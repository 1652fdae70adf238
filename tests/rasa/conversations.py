"""Conversations played through a real Rasa server in ``test_real_rasa.py``: what citizens write.

Mentions of a procedure that Rasa's extractor tags but cannot resolve come first (the case that
used to bounce between ``procedure_form`` and ``action_answer_pending``), then follow-ups about
fees and time, dossier lookups with the reference service's demo dossiers (digits 5678 or 4321),
button payloads, and chit-chat. No expected answers: the test checks that every turn is answered.
"""

from __future__ import annotations

__all__ = ["CONVERSATIONS"]

UNRESOLVED_MENTIONS: list[list[str]] = [
    [
        "tôi vừa nghỉ việc sau 3 năm đóng bảo hiểm, muốn nhận trợ cấp thì cần gì",
        "thủ tục kia",
        "trợ cấp thất nghiệp",
        "thế lệ phí?",
        "cảm ơn",
    ],
    ["muốn nhận trợ cấp thì cần gì", "cái thứ hai", "nộp ở đâu", "mất bao lâu"],
    ["thủ tục kia cần giấy tờ gì", "thủ tục kia", "hưởng thai sản", "được bao nhiêu tiền"],
    ["em làm công nhân bị tai nạn ở xưởng thì được hỗ trợ gì", "thế hồ sơ gồm gì", "cảm ơn ad"],
    ["mẹ em già rồi không có lương hưu, xin trợ cấp thế nào", "ở xã nào nộp", "lệ phí bao nhiêu"],
    [
        "đăng ký kết hôn cần gì",
        "còn làm hộ chiếu thì sao",
        "vậy trợ cấp thất nghiệp thì sao",
        "thời hạn bao lâu",
    ],
    ["cái giấy đó làm ở đâu", "giấy phép lao động", "lệ phí?", "ok"],
    ["nghỉ việc rồi thì lãnh tiền kiểu gì", "tôi hỏi cái kia", "bhxh 1 lần", "cần những gì"],
    ["bố em là bộ đội xuất ngũ, nay muốn làm hồ sơ thì làm sao", "mẫu đơn ở đâu", "tạm biệt"],
    ["thu tuc kia can gi", "tro cap that nghiep", "le phi bao nhieu", "nop o dau"],
]

FOLLOW_UPS: list[list[str]] = [
    ["hồ sơ cấp giấy phép lao động gồm những gì", "thế lệ phí?", "mất bao lâu", "nộp ở đâu"],
    ["thủ tục hưởng trợ cấp thất nghiệp cần giấy tờ gì", "lệ phí bao nhiêu", "điều kiện là gì", "cảm ơn"],
    ["lệ phí gia hạn giấy phép lao động", "còn cấp lại thì sao", "thời hạn giải quyết"],
    ["chế độ thai sản được bao nhiêu tiền", "hồ sơ gồm gì", "căn cứ pháp lý"],
    ["thủ tục xác định mức độ khuyết tật", "phí bao nhiêu", "nộp online được không"],
    ["trợ cấp người cao tuổi làm thế nào", "mẫu tờ khai", "bao lâu thì có"],
    ["lĩnh vực người có công có thủ tục gì", "hỗ trợ thăm viếng mộ liệt sĩ", "lệ phí"],
    ["ho so cap giay phep lao dong gom nhung gi", "le phi?", "bao lau"],
    ['/ask_fee{"procedure": "work_permit_issue"}', "/ask_processing_time", "còn hồ sơ thì sao"],
    ['/inform{"procedure": "unemployment_benefit"}', "lệ phí", "cảm ơn"],
]

DOSSIER_LOOKUPS: list[list[str]] = [
    ["tra cứu hồ sơ", "000.00.15.H29-240312-0042", "5678", "báo cho tôi khi có kết quả"],
    ["hồ sơ 000.00.15.H29-250302-0003 của tôi đến đâu rồi", "4321", "cảm ơn"],
    ["tôi muốn kiểm tra tình trạng hồ sơ", "000.00.15.H29-250303-0004", "1111", "5678"],
    ["tra cứu hồ sơ", "000.00.15.H29-2503", "000.00.15.H29-250301-0001", "4321"],
    ["hồ sơ của tôi sao rồi", "mã là 000.00.15.H29-250305-0006", "4 số cuối là 5678", "tạm biệt"],
    ["báo cho tôi khi hồ sơ có kết quả", "000.00.15.H29-250306-0007", "5678"],
]

CHIT_CHAT: list[list[str]] = [
    ["xin chào", "bạn là ai", "cảm ơn", "tạm biệt"],
    ["hôm nay trời đẹp nhỉ", "bạn có biết nấu phở không", "thôi"],
    ["cho tôi gặp tổng đài viên", "tôi muốn phản ánh thái độ cán bộ", "chào"],
    ["alo", "có ai không", "ừ", "không"],
    ["chào ad", "hồ sơ trợ cấp thất nghiệp gồm gì", "ok cảm ơn nhé"],
]

CONVERSATIONS: list[list[str]] = UNRESOLVED_MENTIONS + FOLLOW_UPS + DOSSIER_LOOKUPS + CHIT_CHAT
