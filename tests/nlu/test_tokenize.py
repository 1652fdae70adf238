"""Word segmentation, and its first use from many threads at once (a cold start under load)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from nlu.tokenize import words

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
