"""``dvcbot run``: one process, or ``--workers N`` processes sharing the port, PostgreSQL and Redis.

Several workers need Redis (``redis.url``): the conversation locks, rate limits and webhook
de-duplication must be shared, or two workers would interleave one conversation's turns. Without it
``--workers`` above 1 refuses to start (it never falls back to one worker silently). The model is
trained (or found cached) and the database migrated once, before the workers start; each worker
then builds the service from the same settings (``worker_app``). Prometheus metrics of all workers
are added up through ``PROMETHEUS_MULTIPROC_DIR`` (``bot.metrics``).

SIGTERM (or Ctrl-C) stops accepting connections and lets the turns in flight finish for up to
``server.shutdown_grace_seconds``.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

from bot.settings import Settings, load_settings

__all__ = ["CONFIG_ENV", "WorkersRefused", "check_workers", "run", "worker_app"]

log = logging.getLogger("dvcbot.workers")
CONFIG_ENV = "DVCBOT_CONFIG_FILE"  # the --config of the parent, read again by each worker
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
NO_REDIS = (
    "dvcbot run --workers {n} needs Redis for the conversation locks, rate limits and message de-duplication "
    "that the workers share: set DVCBOT_REDIS__URL (or REDIS_URL, or redis.url in config.yml), "
    "or run one worker."
)


class WorkersRefused(SystemExit):
    pass


def check_workers(settings: Settings, workers: int) -> None:
    if workers < 1:
        raise WorkersRefused("--workers must be at least 1")
    if workers > 1 and not settings.redis.enabled:
        raise WorkersRefused(NO_REDIS.format(n=workers))


def run(settings: Settings, *, host: str | None, port: int | None, workers: int, config: str | None) -> int:
    import uvicorn

    check_workers(settings, workers)
    options = {
        "host": host or settings.server.host,
        "port": port or settings.server.port,
        "log_level": "info",
        "log_config": None,  # uvicorn's loggers propagate to the root handlers, which mask (bot.privacy)
        "timeout_graceful_shutdown": settings.server.shutdown_grace_seconds,
        "timeout_keep_alive": settings.server.keep_alive_seconds,
        # h11 even where httptools is installed: it keeps the connection after a request it refuses
        # (a control character in a header value), which httptools closes (tests/bot/test_fuzz_api.py).
        "http": "h11",
    }
    if workers == 1:
        from bot.api.app import create_app

        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]
        return 0
    from bot.service import load_catalogue, train_model

    train_model(settings, load_catalogue(settings))  # once, here: the workers find the model cached
    metrics_dir = tempfile.mkdtemp(prefix="dvcbot-metrics-")
    os.environ[MULTIPROC_ENV] = metrics_dir
    if config:
        os.environ[CONFIG_ENV] = str(config)
    log.info("starting %d workers sharing %s", workers, settings.redis.url.split("@")[-1])
    try:
        uvicorn.run("bot.workers:worker_app", factory=True, workers=workers, **options)  # type: ignore[arg-type]
    finally:
        shutil.rmtree(metrics_dir, ignore_errors=True)
    return 0


def worker_app():  # type: ignore[no-untyped-def]
    """The app of one worker (uvicorn's factory): the parent's settings, read again here."""
    from bot.api.app import create_app
    from bot.logs import configure_logging

    settings = load_settings(os.environ.get(CONFIG_ENV))
    configure_logging(settings.logging.format)
    return create_app(settings)
