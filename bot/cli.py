"""The ``dvcbot`` command: run, shell, train, test nlu, catalogue import/export."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
import uuid
from pathlib import Path

from bot.settings import load_settings

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dvcbot", description="Trợ lý ảo thủ tục hành chính")
    parser.add_argument("--config", default=None, help="config.yml to use (default: the project's)")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="serve the whole assistant over HTTP")
    run.add_argument("--host", default=None)
    run.add_argument("--port", type=int, default=None)

    commands.add_parser("shell", help="chat in the terminal")

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

    catalogue = commands.add_parser("catalogue", help="procedure catalogue")
    catalogue_commands = catalogue.add_subparsers(dest="action", required=True)
    export = catalogue_commands.add_parser("export", help="write the catalogue as YAML")
    export.add_argument("path", type=Path)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    settings = load_settings(args.config)
    if args.command == "run":
        return _run(settings, args.host, args.port)
    if args.command == "shell":
        return _shell(settings)
    if args.command == "train":
        return _train(settings, args.nlu, args.out)
    if args.command == "test":
        return _test_nlu(settings, args.nlu, args.model, args.report, args.predictions)
    if args.command == "catalogue":
        return _export(settings, args.path)
    return 2


def _run(settings, host: str | None, port: int | None) -> int:  # type: ignore[no-untyped-def]
    import uvicorn

    from bot.api.app import create_app

    app = create_app(settings)
    uvicorn.run(app, host=host or settings.server.host, port=port or settings.server.port, log_level="info")
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
    interpreter, directory, trained = train_model(settings, catalogue, nlu_files=nlu_files, out_dir=out, force=True)
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
    summary = {
        "n": report["n"],
        "intent_accuracy": round(report["intent"]["accuracy"], 4),
        "intent_accuracy_with_diacritics": round(report["intent"]["accuracy_with_diacritics"], 4),
        "intent_accuracy_without_diacritics": round(report["intent"]["accuracy_without_diacritics"], 4),
        "intent_macro_f1": round(report["intent"]["macro_f1"], 4),
        "entity_micro_f1": round(report["entities"]["micro_f1"], 4),
        "procedure_top1": round(report["procedure_top1"], 4),
        "sentence_accuracy": round(report["sentence_accuracy"], 4),
        "worst_confusions": report["intent"]["confusions"][:5],
    }
    print(json.dumps(summary, ensure_ascii=False, indent=2))
    if report_path:
        report_path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    if predictions_path:
        predictions_path.write_text(json.dumps(predictions, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


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
    path.write_text(yaml.safe_dump({"procedures": records}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"exported {len(records)} procedures to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
