"""Log lines as text (development) or one JSON object a line (``logging.format: json``, production).

Both go through ``bot.privacy.MaskingFilter``: phone and ID numbers in a message or a traceback are
masked before the line is formatted. ``{"time": "2026-12-01T14:02:03.120Z", "level": "INFO",
"logger": "dvcbot.agent", "message": "turn sender=******5678 intent=ask_fee ...", "process": 4242}``.
"""

from __future__ import annotations

import json
import logging
import time

from bot.privacy import install_log_masking

__all__ = ["JsonFormatter", "configure_logging"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "process": record.process,
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(style: str = "text", level: int = logging.INFO) -> None:
    """One handler on the root logger in ``style``, masked; replaces the handlers set before."""
    # Neither format shows the caller's file, line or thread: not looked up for every record (the
    # logging HOWTO's "Optimization"; ~10 µs a line, and a turn writes two: its own and the access log).
    logging._srcfile = None
    logging.logThreads = False
    logging.logMultiprocessing = False
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if style == "json" else logging.Formatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)
    install_log_masking()
