"""Word segmentation, and its first use from many threads at once (a cold start under load)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from nlu import tokenize
from nlu.tokenize import folded_syllables, segmentation_memo, words

ROOT = Path(__file__).resolve().parents[2]

# A fresh interpreter: underthesea's model is not loaded yet, as in a server that just started.
FIRST_BURST = textwrap.dedent(
    """
    import json, threading
    from nlu.tokenize import words

    texts = [f"cấp giấy phép lao động lần {n}" for n in range(32)]
    barrier = threading.Barrier(len(texts))
    results, errors = {}, []

    def segment(text):
        barrier.wait()
        try:
            results[text] = words(text)
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=segment, args=(t,)) for t in texts]
    for t in threads: t.start()
    for t in threads: t.join()
    print(json.dumps({"errors": errors, "results": results}, ensure_ascii=False))
    """
)


def test_compound_words_are_joined() -> None:
    assert words("giấy phép lao động cho người nước ngoài") == ["giấy_phép", "lao_động", "cho", "người", "nước_ngoài"]


def test_the_first_segmentations_from_many_threads_all_succeed() -> None:
    run = subprocess.run(
        [sys.executable, "-c", FIRST_BURST], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    outcome = json.loads(run.stdout)
    assert outcome["errors"] == []
    assert len(outcome["results"]) == 32
    assert all(segmented[:3] == ["cấp", "giấy_phép", "lao_động"] for segmented in outcome["results"].values())


SEGMENTER_ONLY = textwrap.dedent(
    """
    import json, sys
    from nlu.tokenize import words

    segmented = words("giấy phép lao động")
    package_loaded = "underthesea" in sys.modules
    import underthesea  # the whole package still loads for whoever asks for it

    print(json.dumps({"segmented": segmented, "package_loaded": package_loaded,
                      "pos_tag": underthesea.pos_tag("giấy phép")[0][0]}, ensure_ascii=False))
    """
)


def test_segmenting_loads_the_segmenter_not_the_whole_package() -> None:
    run = subprocess.run(
        [sys.executable, "-c", SEGMENTER_ONLY], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    outcome = json.loads(run.stdout)
    assert outcome == {"segmented": ["giấy_phép", "lao_động"], "package_loaded": False, "pos_tag": "giấy phép"}


def test_inside_a_memo_each_text_is_segmented_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []

    def segment(text: str) -> tuple[str, ...]:
        calls.append(text)
        return tuple(text.split())

    monkeypatch.setattr(tokenize, "_segment", segment)
    with segmentation_memo():
        first = [words("hồ sơ gồm gì"), words("hồ sơ gồm gì"), words("lệ phí")]
    words("lệ phí")
    assert first == [["hồ", "sơ", "gồm", "gì"], ["hồ", "sơ", "gồm", "gì"], ["lệ", "phí"]]
    assert calls == ["hồ sơ gồm gì", "lệ phí", "lệ phí"]  # the memo ends with its block


def test_folded_syllables_is_the_text_wording_patterns_read() -> None:
    assert folded_syllables("Nộp 2 tuần rồi, chưa thấy gì!") == "nop 2 tuan roi chua thay gi"
    assert folded_syllables("  ĐÃ   nộp hồ sơ...  ") == "da nop ho so"
