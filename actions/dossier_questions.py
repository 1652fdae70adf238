"""What a citizen asks about the dossier the bot has just shown them, read from the words alone.

After a dossier answer people ask about *that* dossier, not about a procedure: "sao lại bị từ
chối", "bao giờ có kết quả", "còn thiếu giấy gì". These are matched on the folded text (lower
case, no diacritics), so "sao lai bi tu choi" is the same question. A message that names a
procedure is the dialogue's to route elsewhere; this only says which dossier question, if any.

``dossier_question("Sao hồ sơ của em lại bị từ chối vậy ạ")`` → ``"reason"``.
"""

from __future__ import annotations

import re
from typing import Literal

from nlu.normalize import fold, nfc

__all__ = ["DossierQuestion", "dossier_question"]

DossierQuestion = Literal["reason", "result_time", "missing", "next_step"]

_PATTERNS: tuple[tuple[DossierQuestion, re.Pattern[str]], ...] = (
    ("reason", re.compile(
        r"\b(sao|tai sao|vi sao|vi li do gi|ly do|li do)\b.*\b(tu choi|khong (duoc )?(duyet|giai quyet|chap nhan))"
        r"|\b(tu choi|khong duoc duyet)\b.*\b(vi sao|tai sao|ly do|li do|vi gi|la sao)\b"
        r"|\bly do (tu choi|bi tu choi)\b"
    )),
    ("missing", re.compile(
        r"\b(con )?thieu (giay|giay to|ho so|gi|nhung gi|cai gi|mau)\b"
        r"|\bbo sung (gi|nhung gi|giay gi|giay to gi|cai gi|them gi|nhu the nao|o dau)\b"
        r"|\b(can|phai) bo sung\b"
    )),
    ("result_time", re.compile(
        r"\b(bao gio|khi nao|bao lau|may ngay|bao nhieu ngay|hom nao|ngay nao)\b.*\b(ket qua|xong|tra|nhan|duoc|co)\b"
        r"|\b(ket qua|xong|tra ket qua)\b.*\b(bao gio|khi nao|bao lau|chua|ngay nao)\b"
        r"|\bngay hen( tra)?\b|\blau (qua|the|vay)\b"
    )),
    ("next_step", re.compile(
        r"\b(gio|bay gio|tiep theo|tiep|roi) (em |toi |minh )?(phai|can|nen)? ?lam (gi|sao|the nao)\b"
        r"|\b(dang|den) (o )?buoc nao\b|\blam gi tiep\b"
    )),
)


def dossier_question(text: str) -> DossierQuestion | None:
    """Which question about a dossier ``text`` asks, or ``None``."""
    folded = " ".join(fold(nfc(text)).split())
    for question, pattern in _PATTERNS:
        if pattern.search(folded):
            return question
    return None
