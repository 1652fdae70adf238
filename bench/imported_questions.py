"""How often chat finds an imported procedure asked about in natural words.

Prints figures; asserts nothing. Run from the project root:
``python bench/imported_questions.py RECORDS_DIR QUESTIONS_YML [QUESTIONS_YML ...] [--show-misses]``.

RECORDS_DIR is imported (``dvcbot catalogue import``) into a fresh catalogue beside the curated
entries, the assistant is started on it (it retrains, as ``dvcbot run`` does after an import), and
every question of each QUESTIONS_YML (``procedures: [{code, questions: [...]}]``) is sent as the first
message of a new conversation through the agent — interpreter, policies, actions — as a channel
does. A question is found when the reply answers about the expected procedure: it names it in
quotes, as every answer does ('Dạ, về thủ tục "..."'); a "which one?" question does not count.
Figures are given for the questions with diacritics and without, one line per file (the import
and the training are done once for all of them).
"""

from __future__ import annotations

import asyncio
import json
import sys
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import yaml
from measure import ROOT

sys.path.insert(0, str(ROOT))

if TYPE_CHECKING:
    from bot.service import Service


@dataclass(frozen=True, slots=True)
class Asked:
    code: str
    question: str
    found: bool
    reply: str

    @property
    def plain(self) -> bool:
        from nlu.normalize import fold

        return fold(self.question) == self.question.lower()


def load_questions(path: Path) -> list[tuple[str, str]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(item["code"], q) for item in data["procedures"] for q in item["questions"]]


def answers_about(reply: str, name: str) -> bool:
    """The first reply names the procedure as an answer does: ``Dạ, về thủ tục "<name>"``."""
    return f'"{name}"' in reply.split("\n", 1)[0]


async def ask(service: Service, questions: list[tuple[str, str]]) -> list[Asked]:
    from bot.messages import UserMessage

    out = []
    for code, question in questions:
        record = service.catalogue.get(code)
        if record is None:
            raise SystemExit(f"{code}: not in the imported catalogue")
        replies = await service.agent.handle(UserMessage(question, f"bench-{uuid.uuid4().hex[:10]}"))
        text = "\n".join(r.text or "" for r in replies)
        out.append(Asked(code, question, answers_about(text, record.name), text))
    return out


def figures(asked: list[Asked]) -> dict[str, object]:
    def share(items: list[Asked]) -> float:
        return round(100 * sum(a.found for a in items) / len(items), 1) if items else 0.0

    marked = [a for a in asked if not a.plain]
    plain = [a for a in asked if a.plain]
    return {
        "procedures": len({a.code for a in asked}),
        "questions": len(asked),
        "found_pct": share(asked),
        "with_diacritics": f"{sum(a.found for a in marked)}/{len(marked)}",
        "with_diacritics_pct": share(marked),
        "without_diacritics": f"{sum(a.found for a in plain)}/{len(plain)}",
        "without_diacritics_pct": share(plain),
    }


def main() -> None:
    from bot.service import build_service, load_catalogue
    from bot.settings import load_settings
    from knowledge.importers.phrases import listed_names
    from knowledge.importers.run import import_path
    from nlu.other_procedures import load_other_procedures

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    records, question_files = Path(args[0]), [Path(a) for a in args[1:]]
    with tempfile.TemporaryDirectory() as tmp:
        database = f"sqlite:///{tmp}/dvcbot.db"
        settings = load_settings(
            stores={"tracker_url": database, "catalogue_url": database}, model={"dir": f"{tmp}/models"}
        )
        others = load_other_procedures([settings.path(p) for p in settings.other_procedures])
        report = import_path(catalogue=load_catalogue(settings), path=records, others=listed_names(others))
        service = build_service(settings)
        for questions_file in question_files:
            asked = asyncio.run(ask(service, load_questions(questions_file)))
            line = {
                "questions_file": questions_file.name,
                "imported": report.count("imported"),
                **figures(asked),
            }
            print(json.dumps(line, ensure_ascii=False), flush=True)
            if "--show-misses" in sys.argv:
                for a in asked:
                    if not a.found:
                        first = a.reply.splitlines()[0][:160] if a.reply else ""
                        print(f"MISS {a.code} {a.question!r} -> {first!r}")


if __name__ == "__main__":
    main()
