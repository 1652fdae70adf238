"""Load and exercise everything a first request touches, before the service accepts requests.

Building the service loads the model and the catalogue, but some parts load on first use:
underthesea's tokenizer (which crashes when first used from several threads at once, see
``nlu.tokenize``), scikit-learn's and the CRF's first predictions, the procedure index, the
database connection pools. The app's lifespan runs ``warm_up`` before uvicorn opens the port, so
the first burst after a deploy or a crash meets a warm service, and ``/health`` says ``ok`` only
after it.
"""

from __future__ import annotations

import logging
import time

from bot.service import Service
from nlu.tokenize import warm_up as warm_tokenizer

__all__ = ["WARM_UP_SENTENCES", "warm_up"]

log = logging.getLogger("dvcbot.warmup")

# With and without diacritics, an abbreviation and a dossier code: every extractor runs once.
WARM_UP_SENTENCES = (
    "làm giấy phép lao động cho người nước ngoài cần giấy tờ gì",
    "cho e hoi ho so tctn gom j a",
    "hồ sơ 000.00.15.H29-240312-0042 sao rồi, sđt 0912345678",
)


def warm_up(service: Service) -> float:
    """Seconds spent; raises when a part cannot load, so a broken service never reports ready."""
    started = time.perf_counter()
    warm_tokenizer()
    for sentence in WARM_UP_SENTENCES:
        service.interpreter.parse(sentence)
    service.catalogue.all()
    service.agent.store.retrieve("warm-up")  # opens the tracker database; reads nothing of anyone's
    seconds = time.perf_counter() - started
    log.info("warmed up in %.2f s", seconds)
    return seconds
