"""The ``dvcbot`` command: run [--workers N], db upgrade, shell, telegram --polling, train, test nlu, catalogue import/export."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import sys
import uuid
from pathlib import Path

from bot.privacy import install_log_masking
from bot.settings import load_settings

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dvcbot", description="Trợ lý ảo thủ tục hành chính")
    parser.add_argument("--config", default=None, help="config.yml to use (default: the project's)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve the whole assistant over HTTP")
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)
    run.add_argument("--workers", type=int, default=1,
                     help="worker processes on one port (above 1 needs Redis: DVCBOT_REDIS__URL)")

    db = commands.add_parser("db", help="the database schema")
    db_commands = db.add_subparsers(dest="db_action", required=True)
    db_commands.add_parser("upgrade", help="apply the Alembic migrations to the configured databases")

    commands.add_parser("shell", help="chat in the terminal")

    dossier_service = commands.add_parser("dossier-service", help="the reference one-stop dossier service alone")
    dossier_service.add_argument("--host", default=None)
    dossier_service.add_argument("--port", type=int, default=None)

    telegram = commands.add_parser("telegram", help="the Telegram channel on its own (development)")
    telegram.add_argument("--polling", action="store_true", help="fetch updates with getUpdates instead of a webhook")

    ivr = commands.add_parser("ivr", help="the phone line: Asterisk FastAGI (see telephony/)")
    ivr.add_argument("--fastagi", type=int, required=True, metavar="PORT", help="serve FastAGI on this TCP port")
    ivr.add_argument("--host", default=None, help="address to listen on (default: telephony.fastagi.host)")

    train = commands.add_parser("train", help="train the NLU model")
    train.add_argument("--nlu", nargs="+", type=Path, default=None, help="Rasa 3 NLU YAML file(s)")
    train.add_argument("--out", type=Path, default=None, help="model directory (default: models/)")

    test = commands.add_parser("test", help="evaluate")
    test_commands = test.add_subparsers(dest="what", required=True)
    nlu = test_commands.add_parser("nlu", help="evaluate the NLU on a Rasa NLU YAML test file")
    nlu.add_argument("--nlu", type=Path, required=True)
    nlu.add_argument("--model", type=Path, default=None, help="a model directory written by `dvcbot train`")
    nlu.add_argument("--report", type=Path, default=None)
    nlu.add_argument("--predictions", type=Path, default=None)
    nlu.add_argument("--cross-validation", type=int, default=None, metavar="K",
                     help="K-fold cross-validation on the --nlu file instead of a trained model")
    conversations = test_commands.add_parser(
        "conversations", help="play multi-turn conversations and grade every reply (see bot/conversation_tests.py)"
    )
    conversations.add_argument("files", nargs="+", type=Path, metavar="FILE.yml")
    conversations.add_argument("--report", type=Path, default=None, help="write the whole report as JSON")
    conversations.add_argument("--failures", type=int, default=20, help="how many failed turns to print")

    catalogue = commands.add_parser("catalogue", help="procedure catalogue")
    catalogue_commands = catalogue.add_subparsers(dest="action", required=True)
    export = catalogue_commands.add_parser("export", help="write the catalogue as YAML")
    export.add_argument("path", type=Path)
    imports = catalogue_commands.add_parser(
        "import", help="import national-portal JSON records or catalogue YAML (a file or a directory)"
    )
    imports.add_argument("path", type=Path)
    imports.add_argument("--report", type=Path, default=None, help="also write the per-record report as JSON")
    check = catalogue_commands.add_parser(
        "check", help="lint the curated catalogue: replaced laws, national code, own link, age of checked_on"
    )
    check.add_argument("--data", type=Path, default=None, help="catalogue directory (default: settings)")
    check.add_argument("--max-age-days", type=int, default=None, help="oldest allowed checked_on, in days")
    check.add_argument("--today", type=dt.date.fromisoformat, default=None, help="check as of this date")
    check.add_argument("--replaced", type=Path, default=None, help="table of replaced texts (YAML)")

    from console.cli import add_staff_parser

    add_staff_parser(commands)  # dvcbot staff add NAME --role R
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    install_log_masking()  # every line, uvicorn's access log included (bot.workers), is masked
    settings = load_settings(args.config)
    if settings.logging.format != "text":
        from bot.logs import configure_logging

        configure_logging(settings.logging.format)
    if args.command == "run":
        from bot.workers import run

        return run(settings, host=args.host, port=args.port, workers=args.workers, config=args.config)
    if args.command == "db":
        return _db_upgrade(settings)
    if args.command == "shell":
        return _shell(settings)
    if args.command == "dossier-service":
        from bot.dossier_setup import serve_reference_service

        return serve_reference_service(settings, args.host, args.port)
    if args.command == "telegram":
        return _telegram(settings, args.polling)
    if args.command == "ivr":
        from telephony.serve import run_fastagi

        return run_fastagi(settings, args.host, args.fastagi)
    if args.command == "train":
        return _train(settings, args.nlu, args.out)
    if args.command == "test" and args.what == "conversations":
        return _test_conversations(settings, args.files, args.report, args.failures)
    if args.command == "test":
        if args.cross_validation:
            return _cross_validate(settings, args.nlu, args.cross_validation, args.report, args.predictions)
        return _test_nlu(settings, args.nlu, args.model, args.report, args.predictions)
    if args.command == "catalogue" and args.action == "import":
        return _import(settings, args.path, args.report)
    if args.command == "catalogue" and args.action == "check":
        return _check(settings, args)
    if args.command == "catalogue":
        return _export(settings, args.path)
    if args.command == "staff":
        from console.cli import run_staff

        return run_staff(settings, args)
    return 2


def _db_upgrade(settings) -> int:  # type: ignore[no-untyped-def]
    from bot.service import make_engine
    from knowledge.migrations import head_revisions, upgrade_schema

    for url in dict.fromkeys([settings.stores.catalogue_url, settings.stores.tracker_url]):
        upgrade_schema(make_engine(url))
        print(f"{url.split('@')[-1]}: at revision {', '.join(sorted(head_revisions()))}")
    return 0


def _telegram(settings, polling: bool) -> int:  # type: ignore[no-untyped-def]
    """``dvcbot telegram --polling``: the same handlers as the webhook, fed by getUpdates."""
    if not polling:
        print("The Telegram webhook is served by `dvcbot run`; use `dvcbot telegram --polling` to develop locally.")
        return 2
    config = settings.channels.telegram
    if not config.token:
        print("Set DVCBOT_CHANNELS__TELEGRAM__TOKEN to the bot's token first.", file=sys.stderr)
        return 2
    from bot.service import build_service
    from channels.rate_limit import RateLimiter
    from channels.telegram import TelegramChannel, build_application

    service = build_service(settings)
    limits = settings.channels.rate_limit
    application = build_application(config.token, base_url=config.base_url, polling=True)
    TelegramChannel(
        service.agent.handle, limiter=RateLimiter(limits.messages_per_minute, burst=limits.burst)
    ).install(application)
    # Polling and a webhook exclude each other: PTB deletes the webhook before polling starts.
    application.run_polling(allowed_updates=["message", "callback_query"])
    return 0


def _shell(settings) -> int:  # type: ignore[no-untyped-def]
    from bot.messages import UserMessage
    from bot.service import build_service

    logging.getLogger().setLevel(logging.WARNING)
    service = build_service(settings)
    sender = f"shell-{uuid.uuid4().hex[:8]}"
    print("Trợ lý thủ tục hành chính — gõ câu hỏi, Ctrl-D để thoát.")

    async def loop() -> None:
        while True:
            try:
                text = input("Bạn: ")
            except EOFError:
                print()
                return
            for reply in await service.agent.handle(UserMessage(text=text, sender_id=sender, input_channel="shell")):
                print(f"Bot: {reply.text or ''}")
                for i, button in enumerate(reply.buttons, start=1):
                    print(f"     [{i}] {button['title']}  ({button['payload']})")

    asyncio.run(loop())
    return 0


def _train(settings, nlu_files: list[Path] | None, out: Path | None) -> int:  # type: ignore[no-untyped-def]
    from bot.service import load_catalogue, train_model

    # With --nlu the model is trained on that data alone, as any Rasa data set; else with the catalogue.
    catalogue = None if nlu_files else load_catalogue(settings)
    interpreter, directory, _ = train_model(settings, catalogue, nlu_files=nlu_files, out_dir=out, force=True)
    print(json.dumps({"model": str(directory), "trained_seconds": round(interpreter.trained_seconds, 2)}))
    return 0


def _test_nlu(settings, test_file: Path, model_dir: Path | None, report_path: Path | None, predictions_path: Path | None) -> int:  # type: ignore[no-untyped-def]
    from nlu.evaluate import evaluate
    from nlu.interpreter import Interpreter
    from nlu.training_data import load_nlu_files

    if model_dir is not None:
        interpreter = Interpreter.load(_model_directory(model_dir))
    else:
        from bot.service import load_catalogue, train_model

        interpreter, _, _ = train_model(settings, load_catalogue(settings))
    examples = load_nlu_files([test_file]).examples
    report, predictions = evaluate(interpreter, examples)
    _print_and_write(report, predictions, report_path, predictions_path)
    return 0


def _test_conversations(settings, files: list[Path], report_path: Path | None, failures: int) -> int:  # type: ignore[no-untyped-def]
    """Each run plays on a fresh temporary conversation store, so ``dvcbot.db`` is never touched."""
    import tempfile

    from bot.conversation_tests import (
        ConversationTestError,
        Grader,
        load_conversations,
        report,
        run_conversations,
    )
    from bot.service import build_service

    try:
        conversations = [c for path in files for c in load_conversations(path)]
    except (OSError, ConversationTestError) as error:
        print(error, file=sys.stderr)
        return 2
    logging.getLogger().setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        database = f"sqlite:///{Path(scratch) / 'conversations.db'}"
        service = build_service(settings.model_copy(update={
            "stores": settings.stores.model_copy(update={"tracker_url": database}),
        }))
        variables = dict(service.agent.config.response_variables)
        grader = Grader.build(service.catalogue, service.domain, variables)
        fields = {record.code: record.field for record in service.catalogue.all()}
        results = asyncio.run(run_conversations(service.agent, conversations, grader, fields))
    summary = report(results)
    if report_path:
        report_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2), encoding="utf-8")
    for failure in summary["failures"][:failures]:
        print(f"✗ {failure['conversation']} #{failure['turn']}: {failure['user']!r} → {failure['reason']}")
    print(json.dumps({k: v for k, v in summary.items() if k != "failures"}, ensure_ascii=False, indent=2))
    return 0


def _cross_validate(settings, nlu_file: Path, folds: int, report_path: Path | None, predictions_path: Path | None) -> int:  # type: ignore[no-untyped-def]
    """``rasa test nlu --cross-validation``: the project's catalogue is used only for its own data."""
    from bot.service import ABBREVIATIONS_FILE, load_catalogue
    from knowledge.catalogue import as_catalogue_entry
    from nlu.evaluate import cross_validate
    from nlu.interpreter import Interpreter
    from nlu.normalize import Abbreviations
    from nlu.training_data import TrainingData, load_nlu_files

    if folds < 2:
        raise SystemExit("--cross-validation needs K >= 2")
    data = load_nlu_files([nlu_file])
    own = nlu_file.resolve() in {settings.path(p).resolve() for p in settings.nlu_data}
    entries = [as_catalogue_entry(r) for r in load_catalogue(settings).all()] if own else []
    abbreviations = Abbreviations.from_file(settings.path(ABBREVIATIONS_FILE))

    def train(part: list) -> Interpreter:  # type: ignore[type-arg]
        fold_data = TrainingData(part, data.synonyms, data.regexes, data.lookups)
        return Interpreter.train(settings.pipeline, fold_data, abbreviations=abbreviations,
                                 catalogue=entries, model_fingerprint="cross-validation", project_data=own)

    report, predictions = cross_validate(data.examples, train, folds)
    _print_and_write(report, predictions, report_path, predictions_path)
    return 0


def _print_and_write(report: dict, predictions: list, report_path: Path | None, predictions_path: Path | None) -> None:  # type: ignore[type-arg]
    from nlu.evaluate import summarize

    summary = summarize(report)
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if report_path:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if predictions_path:
        predictions_path.write_text(json.dumps(predictions, ensure_ascii=False, indent=2), encoding="utf-8")


def _model_directory(path: Path) -> Path:
    """Accept the model directory itself or the parent holding fingerprinted models (newest wins)."""
    if (path / "pipeline.pkl").exists():
        return path
    candidates = sorted(path.glob("*/pipeline.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
    if not candidates:
        raise SystemExit(f"no model found in {path}")
    return candidates[0].parent


def _export(settings, path: Path) -> int:  # type: ignore[no-untyped-def]
    import yaml

    from bot.service import load_catalogue

    catalogue = load_catalogue(settings)
    records = [r.model_dump(mode="json", exclude_defaults=True) for r in catalogue.all()]
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml: 10× faster on an imported catalogue
    text = yaml.dump({"procedures": records}, Dumper=dumper, allow_unicode=True, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    print(f"exported {len(records)} procedures to {path}")
    return 0


def _import(settings, path: Path, report_path: Path | None) -> int:  # type: ignore[no-untyped-def]
    from bot.service import load_catalogue
    from knowledge.importers.phrases import listed_names
    from knowledge.importers.run import import_path
    from nlu.other_procedures import load_other_procedures

    # Names the project lists for procedures it does not hold become aliases of the records that hold them.
    others = load_other_procedures([settings.path(p) for p in settings.other_procedures])
    report = import_path(catalogue=load_catalogue(settings), path=path, others=listed_names(others))
    for outcome in report.outcomes:
        print(outcome.line())
    print(json.dumps(report.summary(), ensure_ascii=False))
    if report_path:
        report_path.write_text(json.dumps(report.as_json(), ensure_ascii=False, indent=2), encoding="utf-8")
    # The model fingerprint covers the catalogue: the next `dvcbot run` retrains with these procedures.
    return 0


def _check(settings, args: argparse.Namespace) -> int:  # type: ignore[no-untyped-def]
    from knowledge.check import DEFAULT_MAX_AGE_DAYS, REPLACED_TEXTS_FILE, check_catalogue

    directory = args.data or settings.path(settings.catalogue_data)
    report = check_catalogue(
        directory,
        today=args.today,
        max_age_days=args.max_age_days if args.max_age_days is not None else DEFAULT_MAX_AGE_DAYS,
        replaced_file=args.replaced or REPLACED_TEXTS_FILE,
    )
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
