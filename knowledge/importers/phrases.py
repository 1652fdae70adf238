"""What people call an imported procedure, derived from its official name at import.

The portal names procedures the way decisions list them — "Thủ tục cấp hộ chiếu phổ thông ở trong
nước thực hiện tại cấp tỉnh" — while people ask "làm hộ chiếu". The resolver finds a procedure by
its phrases (name, aliases, keywords; ``nlu/procedure_index.py``) and scores how much of a phrase a
question covers, so a long official name is barely covered by a short question. This module gives
imported records the phrases curated entries carry by hand:

- the core noun phrase: without "Thủ tục", the agency and level ("tại cấp tỉnh", "do Sở Tư pháp
  cấp", "thuộc thẩm quyền của ..."), bracketed remarks and the legal tail ("đối với ...", "theo
  quy định ...") — "cấp hộ chiếu phổ thông ở trong nước";
- the thing issued, without the verb that only means "issue" ("cấp", "đề nghị cấp") — "hộ chiếu
  phổ thông ở trong nước", "hộ chiếu phổ thông"; a verb that changes the procedure ("cấp lại",
  "gia hạn", "thu hồi") is kept;
- abbreviations both ways: "tổ chức tín dụng" ↔ "TCTD", "Ngân hàng Nhà nước" ↔ "NHNN".

Diacritic-free forms need no separate phrase: the index folds every phrase and every question
(``nlu.normalize.fold``), so "lam ho chieu" meets "hộ chiếu" as it is.

``distinct_phrases`` then drops what names nothing: a short form that several records share
("giấy phép") or that a curated entry already uses for itself. ``borrowed_names`` gives a record
the names people use for it that the project already lists among the procedures it does not hold
(``nlu/data/other_procedures.yml``: "Xin thôi quốc tịch Việt Nam" is "Thôi quốc tịch Việt Nam ở trong
nước" once that is imported), so that the record, not the decline, answers them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Protocol

from knowledge.importers.text import clean, fast_fold

__all__ = [
    "ABBREVIATIONS",
    "MAX_SHARED",
    "borrowed_names",
    "derive_phrases",
    "distinct_phrases",
    "listed_names",
    "official_core",
    "phrase_key",
]

# Terms that portal names spell out and people shorten, or the reverse (the NLU's own table, in
# nlu/data/abbreviations.yml, expands what users type; these are the forms names use).
ABBREVIATIONS: dict[str, str] = {
    "tổ chức tín dụng": "TCTD",
    "ngân hàng nhà nước": "NHNN",
    "ngân hàng thương mại": "NHTM",
    "quỹ tín dụng nhân dân": "QTDND",
    "giấy chứng nhận": "GCN",
    "giấy phép lao động": "GPLĐ",
    "căn cước công dân": "CCCD",
    "lý lịch tư pháp": "LLTP",
    "bảo hiểm xã hội": "BHXH",
    "bảo hiểm y tế": "BHYT",
    "quyền sử dụng đất": "QSDĐ",
    "ủy ban nhân dân": "UBND",
    "hội đồng nhân dân": "HĐND",
    "doanh nghiệp": "DN",
    "hợp tác xã": "HTX",
    "giấy phép lái xe": "GPLX",
    "đăng ký kinh doanh": "ĐKKD",
    "xuất nhập khẩu": "XNK",
    "vi phạm hành chính": "VPHC",
}
MAX_SHARED = 2  # a short form shared by more records than this names none of them


class Listed(Protocol):
    """A procedure the project lists as not held (``nlu.other_procedures``)."""

    @property
    def name(self) -> str: ...
    @property
    def aliases(self) -> Sequence[str]: ...
    @property
    def national_code(self) -> str | None: ...


MIN_SYLLABLES = 2

_PREFIX = re.compile(r"^(?:thủ tục hành chính|thủ tục|tthc)\s*[:\-–]?\s*", re.IGNORECASE)
_BRACKETS = re.compile(r"\s*\([^()]*\)|\s*\[[^\[\]]*\]")
_AGENCY = (
    r"(?:sở|phòng|ủy ban|ubnd|bộ|cục|chi cục|tổng cục|vụ|trung tâm|ngân hàng nhà nước|nhnn|cơ quan|công an"
    r"|thủ tướng|chủ tịch|chính phủ|văn phòng|ban quản lý|kho bạc|cơ quan đại diện|tòa án|viện kiểm sát)"
)
# The bodies that hand a procedure ("do Sở Tư pháp cấp", "của Thủ tướng"), without the offices and
# centres a procedure is about ("của Văn phòng giám định tư pháp", "của Trung tâm trọng tài").
_AUTHORITY = (
    r"(?:sở|phòng|ủy ban|ubnd|bộ|cục|chi cục|tổng cục|vụ|ngân hàng nhà nước|nhnn|cơ quan|công an"
    r"|thủ tướng|chủ tịch|chính phủ|kho bạc|tòa án|viện kiểm sát)(?!\s+(?:công chứng|luật sư|giám định|thừa phát lại))"
)
_LEVEL = r"cấp\s+(?:tỉnh|huyện|xã|trung ương|bộ|cơ sở)"
# Qualifiers that say who handles the procedure or where, never what it is.
_QUALIFIERS = (
    re.compile(r"[\s,;]+(?:được\s+)?(?:thực hiện|giải quyết)\s+(?:tại|ở|bởi)\s+.*$", re.IGNORECASE),
    re.compile(rf"[\s,;]+(?:tại|ở)\s+(?:{_LEVEL}|{_AGENCY})\b.*$", re.IGNORECASE),
    re.compile(r"[\s,;]+thuộc\s+(?:thẩm quyền|phạm vi|chức năng)\b.*$", re.IGNORECASE),
    re.compile(rf"[\s,;]+(?:do|của)\s+{_AUTHORITY}\b.*$", re.IGNORECASE),
    re.compile(rf"[\s,;]+{_LEVEL}\s*$", re.IGNORECASE),
    re.compile(r"[\s,;]+(?:theo|trên cơ sở)\s+(?:quy định|đề nghị|yêu cầu|thủ tục)\b.*$", re.IGNORECASE),
)
# Where the legal tail starts: "... đối với người lao động nước ngoài", "... trong trường hợp ...".
_TAIL = re.compile(
    r"\s+(?:đối với|trong trường hợp|trường hợp|khi|nhằm|để|trong các trường hợp|cho các|áp dụng|sau khi)\s+",
    re.IGNORECASE,
)
# A verb that only means "issue" or "allow": "cấp hộ chiếu" is asked as "làm hộ chiếu", "xin hộ
# chiếu"; "chấp thuận thành lập chi nhánh" as "thành lập chi nhánh".
_ISSUE = re.compile(
    r"^(?:đề nghị\s+|xin\s+|thủ tục\s+)?(?:cấp|cấp mới|cấp phát|phát hành|chấp thuận|cho phép)\s+"
    r"(?!lại|đổi|bổ sung|và\b|,)",
    re.IGNORECASE,
)
_CALLED = re.compile(r"\((?:gọi tắt là|sau đây gọi là|viết tắt là|gọi là)\s+([^()]+)\)", re.IGNORECASE)
_ASKING = re.compile(r"^(?:đề nghị|yêu cầu)\s+", re.IGNORECASE)
# The applicant's own words in front of the name: "đề nghị", "yêu cầu".
_REQUEST = re.compile(r"^(?:đề nghị|yêu cầu)\s+(?=\w+\s+\w+)", re.IGNORECASE)
# Where the thing ends and its owner or circumstance begins.
_MODIFIER = re.compile(
    r"\s+(?:của|cho|ở|tại|đối với|theo|về|do|bằng|từ|để|dẫn đến|sau khi|không được|trong|giữa|vào|ra"
    r"|liên quan)\s+|\s*[;(]",
    re.IGNORECASE,
)
# The paper that allows an activity, before the activity: "giấy phép | thành lập ...", "giấy chứng
# nhận đủ điều kiện | hoạt động ...", "giấy chứng nhận | đăng ký đại lý ..." (asked "đăng ký làm đại lý").
_LICENCE = re.compile(
    r"^(?:giấy phép|giấy chứng nhận)\s+(?:đủ điều kiện\s+)?"
    r"(?=(?:thành lập|hoạt động|kinh doanh|khai thác|sản xuất|nhập khẩu|xuất khẩu|mở|mang|sử dụng|mua|bán"
    r"|cung ứng|hành nghề|tạm nhập|tái xuất|đăng ký|thu|chi|đổi)\b)",
    re.IGNORECASE,
)
_ACTIVITY = (
    r"(?:thành lập|hoạt động|kinh doanh|khai thác|sản xuất|nhập khẩu|xuất khẩu|mở|mang|sử dụng|mua|bán"
    r"|cung ứng|hành nghề|tạm nhập|tái xuất|đăng ký|thu|chi|đổi)\b"
)
# The same inside a name: "chấp thuận nguyên tắc | cấp Giấy phép | thành lập chi nhánh ...".
_INNER_LICENCE = re.compile(
    rf"(?<!cấp)(?<=\w)\s+(?:cấp\s+)?(?:giấy phép|giấy chứng nhận)\s+(?:đủ điều kiện\s+)?(?={_ACTIVITY})",
    re.IGNORECASE,
)
# Words people leave out of a paper's name: "giấy chứng nhận (đủ điều kiện) hoạt động ...".
_LEFT_OUT = re.compile(r"\s+đủ điều kiện(?=\s)", re.IGNORECASE)
# The everyday word for the official one, as a weaker phrase (a keyword): "ngừng sản xuất vàng miếng"
# for "chấm dứt hoạt động sản xuất ...", "mở chi nhánh" for "thành lập chi nhánh".
_EVERYDAY = (
    (re.compile(r"\bchấm dứt(?: hoạt động)?\b", re.IGNORECASE), "ngừng"),
    (re.compile(r"\bthành lập\b", re.IGNORECASE), "mở"),
    (re.compile(r"\bsửa đổi, bổ sung\b", re.IGNORECASE), "sửa đổi"),
    (re.compile(r"\btặng thưởng\b", re.IGNORECASE), "tặng"),
    (re.compile(r"\btrên lãnh thổ\b", re.IGNORECASE), "ở"),
)
# Words a name needs in writing and people leave out when they say it: "đăng ký hoạt động (của) chi
# nhánh", "giám sát (việc) giám hộ", "(tại Việt Nam)", "thay đổi (nội dung) giấy phép".
_UNSAID = (
    (re.compile(r"\s+của\s+", re.IGNORECASE), " "),
    (re.compile(r"(?<=\w)\s+việc\s+", re.IGNORECASE), " "),
    (re.compile(r"[\s,]+(?:tại|ở|trên lãnh thổ)\s+Việt Nam\b", re.IGNORECASE), ""),
    (
        re.compile(r"\b(thay đổi|sửa đổi|điều chỉnh|bổ sung)\s+nội dung\s+(?=\w+\s+\w+)", re.IGNORECASE),
        r"\1 ",
    ),
    # Who is confirmed eligible, between the paper and what for: "giấy xác nhận (công dân Việt Nam ở
    # trong nước) đủ điều kiện nhận trẻ em nước ngoài làm con nuôi".
    (re.compile(r"\b(xác nhận|chứng nhận)\s+[^,;]+?\s+(đủ điều kiện)\b", re.IGNORECASE), r"\1 \2"),
)
# The authority's own verb in front of what the citizen asks for: "giải quyết (việc) khiếu nại về
# trợ giúp pháp lý" is asked "khiếu nại về trợ giúp pháp lý".
_HANDLING = re.compile(r"^(?:giải quyết|tiếp nhận|xử lý)\s+(?:việc\s+)?(?=\w+\s+\w+)", re.IGNORECASE)
# A verb that changes, renews or ends something, then what it changes, then whose: "thay đổi tên gọi,
# trưởng chi nhánh, địa chỉ trụ sở ... | của | chi nhánh tổ chức hòa giải thương mại nước ngoài" is
# also asked "thay đổi chi nhánh tổ chức hòa giải thương mại nước ngoài".
_CHANGED_OWNER = re.compile(
    r"^((?:đăng ký\s+)?(?:thay đổi|sửa đổi|bổ sung|chấm dứt))\s+.+?\s+của\s+(.+)$",
    re.IGNORECASE,
)
# Everyday words for the official ones, applied together ("xóa đăng ký biện pháp bảo đảm bằng quyền sử
# dụng đất" → "xóa thế chấp sổ đỏ"), as a weaker phrase (a keyword).
_SPOKEN = (
    (re.compile(r"\bbiện pháp bảo đảm(?:\s+bằng)?\b", re.IGNORECASE), "thế chấp"),
    (re.compile(r"\bxóa đăng ký\b", re.IGNORECASE), "xóa"),
    (re.compile(r"\bquyền sử dụng đất(?:,? tài sản gắn liền với đất)?", re.IGNORECASE), "sổ đỏ"),
    (re.compile(r"\bgiao dịch\b", re.IGNORECASE), "hợp đồng"),
    (re.compile(r"\btổ chức hành nghề\b", re.IGNORECASE), "văn phòng"),
    (re.compile(r"\bcó yếu tố nước ngoài\b", re.IGNORECASE), "với người nước ngoài"),
)
_VOLUNTARY = re.compile(r"^tự nguyện\s+", re.IGNORECASE)
_DANGLING = re.compile(
    r"[\s,;:\-–]+(?:của|và|về|cho|tại|các|đối|với|hoặc|theo|(?<!nhà )ở|trong|thuộc|do|có|đã|được|là|từ)$",
    re.IGNORECASE,
)
# Short forms too general to name a procedure on their own.
_GENERIC = frozenset(
    fast_fold(p)
    for p in (
        "giấy phép",
        "giấy chứng nhận",
        "chứng nhận",
        "đăng ký",
        "hồ sơ",
        "thủ tục",
        "cấp lại",
        "gia hạn",
        "điều chỉnh",
        "thu hồi",
        "thay đổi",
        "văn bản",
        "quyết định",
        "chấp thuận",
        "xác nhận",
        "thông báo",
        "báo cáo",
        # the papers and bodies that many procedures issue or concern
        "chứng chỉ",
        "giấy xác nhận",
        "giấy đăng ký",
        "giấy tờ",
        "văn phòng",
        "trung tâm",
        "chi nhánh",
        "công ty",
        "tổ chức",
        "ngân hàng",
        "doanh nghiệp",
        "giấy phép thành lập",
        "giấy phép hoạt động",
        "giấy chứng nhận đăng ký",
        "đăng ký hoạt động",
        "thay đổi tên",
        "thay đổi địa điểm",
        "thay đổi nội dung",
        "chấm dứt hoạt động",
        "sửa đổi, bổ sung giấy phép",
        "thành lập",
        # activities that many procedures license: as a two-word short form they name none of them
        "hoạt động",
        "kinh doanh",
        "sản xuất",
        "sử dụng",
        "mua bán",
        "nhập khẩu",
        "xuất khẩu",
        "cung ứng",
        "hành nghề",
        "khai thác",
        "giải thể",
        "sáp nhập",
        "hợp nhất",
        "chuyển đổi",
        "chuyển nhượng",
        "tổ chức lại",
    )
)


def official_core(name: str) -> str:
    """An official name without its "Thủ tục" and bracketed remarks: "Thủ tục cấp mã ngân hàng" →
    "cấp mã ngân hàng"."""
    return _trim(_BRACKETS.sub("", _PREFIX.sub("", clean(name).replace("\n", " "))))


def phrase_key(text: str) -> str:
    """The form phrases are compared in: folded, one space."""
    return " ".join(fast_fold(text).split())


def derive_phrases(name: str) -> tuple[list[str], list[str]]:
    """(aliases, keywords) for an official name, most specific first, none equal to the name.

    ``"Thủ tục cấp hộ chiếu phổ thông ở trong nước thực hiện tại cấp tỉnh"`` →
    aliases ``["cấp hộ chiếu phổ thông ở trong nước", "cấp hộ chiếu phổ thông",
    "hộ chiếu phổ thông", "hộ chiếu phổ thông ở trong nước", "hộ chiếu"]``."""
    official = clean(name).replace("\n", " ")
    core = _REQUEST.sub("", _core(official))
    # What the name itself says it is called: "(gọi tắt là mã BIN)".
    forms: list[str] = [_trim(m.group(1)) for m in _CALLED.finditer(official)] + [core]
    # A name that joins two procedures ("đăng ký hoạt động của chi nhánh ...; đăng ký hoạt động ...
    # khi thay đổi ...") is asked by its first.
    if ";" in core:
        core = _trim(core.split(";", 1)[0])
        forms.append(core)
    if _HANDLING.match(core):
        core = _HANDLING.sub("", core)
        forms.append(core)
    short = _trim(_TAIL.split(core, maxsplit=1)[0])
    forms.append(short)
    # The first of a list that names the procedure: "giám định tiền giả, tiền nghi giả".
    first = _trim(short.split(",", 1)[0])
    if first != short and len(_ASKING.sub("", first).split()) > MIN_SYLLABLES:
        forms.append(first)
    issued = _ISSUE.sub("", short) if _ISSUE.match(short) else ""
    for form in (short, issued):
        # Without its owner or circumstance: "đăng ký khoản vay nước ngoài | của doanh nghiệp ...".
        head = _trim(_MODIFIER.split(form, maxsplit=1)[0]) if form else ""
        if head != form and len(head.split()) > MIN_SYLLABLES:
            forms.append(head)
    if issued:
        forms.append(issued)
        licensed = _LICENCE.sub("", issued)
        if licensed != issued:
            forms.append(licensed)  # "giấy phép thành lập công ty luật" is asked "thành lập công ty luật"
        thing = _trim(_MODIFIER.split(issued, maxsplit=1)[0]).split()
        if len(thing) == 2 * MIN_SYLLABLES:
            # "hộ chiếu phổ thông" is also "hộ chiếu": a two-word thing is asked by its first word.
            forms.append(" ".join(thing[:MIN_SYLLABLES]))
    # The whole activity a paper allows, circumstance included: "mang vàng khi xuất cảnh định cư ...".
    whole = _ISSUE.sub("", core) if _ISSUE.match(core) else ""
    if whole and _LICENCE.match(whole):
        forms.append(_LICENCE.sub("", whole))
    forms += [_INNER_LICENCE.sub(" ", form) for form in forms if _INNER_LICENCE.search(form)]
    forms += [_LEFT_OUT.sub("", form) for form in forms if _LEFT_OUT.search(form)]
    forms += [_unsaid(form) for form in forms]
    aliases = _unique(forms, exclude=[official])
    owners = [
        _trim(_CHANGED_OWNER.sub(r"\1 \2", form)) for form in (core, *aliases) if _CHANGED_OWNER.match(form)
    ]
    keywords = _unique(
        [
            variant
            for form in [core, *aliases, *owners]
            for variant in (form, *_abbreviated(form), *_everyday(form), *_spoken(form))
        ],
        exclude=[official, *aliases],
    )
    return aliases, keywords


def _unsaid(form: str) -> str:
    """``"đăng ký hoạt động của Chi nhánh Trung tâm trọng tài"`` → ``"đăng ký hoạt động Chi nhánh
    Trung tâm trọng tài"``: without the words a name needs in writing only."""
    for written, said in _UNSAID:
        form = written.sub(said, form)
    return _trim(form)


def _spoken(form: str) -> list[str]:
    """``"xóa đăng ký biện pháp bảo đảm bằng tàu biển"`` → ``["xóa đăng ký thế chấp tàu biển",
    "xóa thế chấp tàu biển"]``: each everyday word on top of the ones before."""
    out = []
    for official, word in _SPOKEN:
        said = official.sub(word, form)
        if said != form:
            form = said
            out.append(_unsaid(form))
    return out


def _everyday(form: str) -> list[str]:
    out = []
    for official, word in _EVERYDAY:
        if official.search(form):
            out.append(official.sub(word, form))
    # "tự nguyện chấm dứt hoạt động ..." is asked without "tự nguyện": "ngừng sản xuất ...".
    return out + [_VOLUNTARY.sub("", variant) for variant in out if _VOLUNTARY.match(variant)]


def distinct_phrases(
    derived: dict[str, tuple[list[str], list[str]]], taken: Iterable[str]
) -> dict[str, tuple[list[str], list[str]]]:
    """Per record code, its derived phrases without those more than ``MAX_SHARED`` records share
    or that ``taken`` (names and phrases of curated entries) already holds."""
    taken_keys = {phrase_key(t) for t in taken}
    counts: Counter[str] = Counter()
    for aliases, keywords in derived.values():
        counts.update({phrase_key(p) for p in (*aliases, *keywords)})

    def keep(phrases: Sequence[str]) -> list[str]:
        return [p for p in phrases if counts[phrase_key(p)] <= MAX_SHARED and phrase_key(p) not in taken_keys]

    return {code: (keep(aliases), keep(keywords)) for code, (aliases, keywords) in derived.items()}


# Words that a name people use adds around the official one: "xin", "làm", "thủ tục".
_FILLER = frozenset({"xin", "lam", "thu", "tuc", "de", "nghi"})
# The words of the paper a procedure issues, which a listed name and the portal's may word apart.
_PAPER = frozenset({"cap", "giay", "phep", "chung", "nhan"})


def _syllables(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", phrase_key(text)) if w not in _FILLER)


def listed_names(entries: Iterable[Listed]) -> list[tuple[str, tuple[str, ...]]]:
    """(name, aliases) of the listed procedures without a national code: those with one are portal
    names already, dropped as negatives by their code once that record is imported."""
    return [(entry.name, tuple(entry.aliases)) for entry in entries if not entry.national_code]


def borrowed_names(
    names: dict[str, str],
    others: Sequence[tuple[str, Sequence[str]]],
    wording: dict[str, Sequence[str]] | None = None,
) -> dict[str, list[str]]:
    """Per record code, the names (and their aliases) of listed procedures whose words all occur
    in the record's name, given to the records they cover best: "Đăng ký kết hôn" goes to "Thủ tục
    đăng ký kết hôn", not to "Thủ tục đăng ký kết hôn lưu động". ``wording`` adds, per code, the
    everyday words of its derived phrases: "Đăng ký thế chấp, xóa đăng ký thế chấp quyền sử dụng
    đất" is "Xóa đăng ký biện pháp bảo đảm bằng quyền sử dụng đất" (``"xóa thế chấp sổ đỏ"``)."""
    wording = wording or {}
    cores = {code: _syllables(name) for code, name in names.items()}
    said = {code: _syllables(" ".join(_spoken_words(p) for p in wording.get(code, ()))) for code in names}
    by_word: dict[str, set[str]] = {}
    for code, words in cores.items():
        words = words | said[code]
        for word in words:
            by_word.setdefault(word, set()).add(code)
    out: dict[str, list[str]] = {}
    for name, aliases in others:
        words = _syllables(name)
        if len(words) < MIN_SYLLABLES:
            continue
        covering = _covering(words, by_word)
        if not covering:
            # Without the words of the paper it is issued as: "Cấp giấy phép làm đại lý đổi ngoại tệ"
            # is the record "Cấp Giấy chứng nhận đăng ký đại lý đổi ngoại tệ".
            words = words - _PAPER
            if len(words) <= MIN_SYLLABLES:
                continue
            covering = _covering(words, by_word)
        if not covering:
            continue
        # A record that changes or ends the paper ("cấp đổi", "thu hồi") does not take the name of the
        # one that issues it, while a record that issues it covers the name too.
        asked = _changes(name)
        plain = {code for code in covering if _changes(names[code]) <= asked}
        covering = plain or covering
        best = max(len(words) / len(cores[code]) for code in covering)
        for code in covering:
            if len(words) / len(cores[code]) >= best - 1e-9:
                out.setdefault(code, []).extend([name, *aliases])
    return out


def _spoken_words(phrase: str) -> str:
    """The words an everyday phrase says that the official name does not: only those are added."""
    return " ".join(word for official, word in _SPOKEN if official.search(phrase) is None and word in phrase)


_CHANGE = re.compile(
    r"\b(?:cap lai|cap doi|doi giay|sua doi|bo sung|gia han|thu hoi|cham dut|dieu chinh|thay doi|ban sao|huy|giai the|tam dung)\b"
)


def _changes(name: str) -> set[str]:
    """The verbs of a name that change, renew, copy or end what a procedure issues: ``{"cap doi"}``."""
    return set(_CHANGE.findall(phrase_key(name)))


def _covering(words: frozenset[str], by_word: dict[str, set[str]]) -> set[str]:
    postings = sorted((by_word.get(w, set()) for w in words), key=len)
    return set.intersection(*postings) if postings and postings[0] else set()


def _core(name: str) -> str:
    text = _PREFIX.sub("", name)
    text = _BRACKETS.sub("", text)
    previous = None
    while previous != text:
        previous = text
        for qualifier in _QUALIFIERS:
            stripped = qualifier.sub("", text)
            if len(stripped.split()) >= MIN_SYLLABLES:
                text = stripped
    return _trim(text)


def _trim(text: str) -> str:
    text = text.strip(" ,;:.-–")
    while (stripped := _DANGLING.sub("", text)) != text:
        text = stripped
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


def _abbreviated(form: str) -> list[str]:
    """``"giấy phép thành lập tổ chức tín dụng"`` → ``["giấy phép thành lập TCTD"]`` and back."""
    out = []
    lowered = form.lower()
    for term, short in ABBREVIATIONS.items():
        if term in lowered:
            out.append(re.sub(re.escape(term), short, form, flags=re.IGNORECASE))
        elif re.search(rf"(?<!\w){re.escape(short)}(?!\w)", form):
            out.append(re.sub(rf"(?<!\w){re.escape(short)}(?!\w)", term, form))
    return out


def _unique(forms: Iterable[str], *, exclude: Sequence[str]) -> list[str]:
    seen = {phrase_key(e) for e in exclude}
    out = []
    for form in forms:
        key = phrase_key(form)
        if len(key.split()) < MIN_SYLLABLES or key in seen or key in _GENERIC:
            continue
        seen.add(key)
        out.append(form)
    return out
