"""A message that reports a dossier handed in a while ago and still without a result.

"hồ sơ chế độ chất độc hóa học của bố nộp 6 tháng rồi mà chưa có kết quả" reads as a question about
the procedure's processing time, and that is half of what a help-line officer answers: the time the
law sets, then "give me the dossier code and I will look it up". The agent asks this module whether
the message reports such a wait, and offers the lookup after the answer. Folded (no diacritics).
"""

from __future__ import annotations

import re

from nlu.tokenize import folded_syllables

__all__ = ["reports_a_wait"]

# Handed in ("nộp", "gửi"), some time ago ("rồi", "tuần trước", "từ tháng 3", "20 ngày"), and
# nothing yet ("chưa có kết quả", "vẫn chưa thấy", "chưa ai gọi"); in that order, a clause apart at most.
_WAIT = re.compile(
    r"\b(nop|gui)\b( \w+){0,8} (roi|r|tuan truoc|thang truoc|hom truoc|tu thang \w+|tu hom \w+|\d+ (ngay|tuan|thang))\b"
    r"( \w+){0,6} (van )?(chua|chang|ko|khong) (co|thay|nhan|duoc|dc|ai|nghe|ra)\b"
)


def reports_a_wait(text: str) -> bool:
    """ "nộp 2 tuần rồi chưa thấy gì", "gui ho so tu thang 3 ma van chua co ket qua"."""
    return bool(_WAIT.search(folded_syllables(text)))
