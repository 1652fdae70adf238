"""Assembles dossier status from ``settings.dossier``: client, reference service, limits, alerts.

By default the reference one-stop service runs inside ``dvcbot run`` (mounted under
``/dossier-service``) and the HTTP client reaches it in-process through an ASGI transport: the bot
reads it exactly as it would read a remote system (API key, field mapping, retries, breaker), with
no port to open. Setting ``dossier.client.base_url`` points the same client at any other system.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI
from sqlalchemy import Engine

from actions.dossier import DossierDeps
from actions.procedure import SupportLinks
from bot.dossier_notifier import DossierNotifier
from bot.outputs import OutputRegistry
from bot.settings import Settings
from knowledge.dossier.breaker import CircuitBreaker
from knowledge.dossier.client import DossierStatusClient
from knowledge.dossier.codes import DossierCodeFormat
from knowledge.dossier.http_client import HttpClientOptions, HttpDossierStatusClient
from knowledge.dossier.limits import LookupLimits, SqlLookupLimiter
from knowledge.dossier.mapping import FieldMapping
from knowledge.dossier.reference_service import (
    StatusChangeHub,
    create_dossier_service_app,
    seed_demo_dossiers,
)
from knowledge.dossier.settings import DossierClientSettings
from knowledge.dossier.subscriptions import SqlSubscriptionStore
from knowledge.dossier.verifications import SqlVerificationStore

__all__ = [
    "DossierRuntime",
    "build_dossier_runtime",
    "build_http_client",
    "reference_database_url",
    "serve_reference_service",
]

log = logging.getLogger("dvcbot.dossier")
IN_PROCESS_URL = "http://dossier-service.internal"


@dataclass(slots=True)
class DossierRuntime:
    deps: DossierDeps
    reference_app: FastAPI | None
    service_api_key: str
    changes: StatusChangeHub | None
    poll_seconds: float
    notifier: DossierNotifier | None = None

    def connect_outputs(self, outputs: OutputRegistry) -> DossierNotifier | None:
        """Start sending status alerts through ``outputs`` (and on every change the embedded service records)."""
        if self.deps.client is None:
            return None
        self.notifier = DossierNotifier(
            client=self.deps.client,
            subscriptions=self.deps.subscriptions,
            outputs=outputs,
            hotline=self.deps.links.hotline,
            today=self.deps.today,
        )
        if self.changes is not None:
            self.changes.subscribe(self.notifier.check)
        return self.notifier


def reference_database_url(settings: Settings, tracker_url: str) -> str:
    """The reference service's own database: configured, or a file beside the conversation SQLite file."""
    configured = settings.dossier.service.database_url
    if configured:
        prefix = "sqlite:///"
        if configured.startswith(prefix) and not configured.startswith(prefix + "/") and ":memory:" not in configured:
            return prefix + str(settings.root / configured[len(prefix):])
        return configured
    if tracker_url.startswith("sqlite:///") and ":memory:" not in tracker_url:
        path = Path(tracker_url[len("sqlite:///"):])
        return f"sqlite:///{path.with_name(path.stem + '-dossier-service.db')}"
    return tracker_url


def build_http_client(
    options: DossierClientSettings, *, api_key: str, transport: httpx.AsyncBaseTransport | None = None,
    base_url: str | None = None,
) -> HttpDossierStatusClient:
    return HttpDossierStatusClient(
        HttpClientOptions(
            base_url=base_url or options.base_url,
            lookup_path=options.lookup_path,
            api_key=api_key,
            api_key_header=options.api_key_header,
            timeout_seconds=options.timeout_seconds,
            retries=options.retries,
            backoff_seconds=options.backoff_seconds,
        ),
        FieldMapping(fields=options.fields, statuses=options.statuses, record_path=options.record_path),
        breaker=CircuitBreaker(
            failure_threshold=options.breaker_failures, reset_seconds=options.breaker_reset_seconds
        ),
        transport=transport,
    )


def build_dossier_runtime(
    settings: Settings, *, engine: Engine, reference_engine: Engine | None, links: SupportLinks
) -> DossierRuntime:
    """Everything but the notifier, which needs the outputs (see ``connect_outputs``)."""
    config = settings.dossier
    service_key = config.service.api_key or secrets.token_urlsafe(24)
    reference_app: FastAPI | None = None
    changes: StatusChangeHub | None = None
    if config.service.enabled and reference_engine is not None:
        changes = StatusChangeHub()
        reference_app = create_dossier_service_app(
            engine=reference_engine, api_key=service_key, changes=changes, introspection=settings.introspection
        )
        if config.service.seed_demo:
            seed_demo_dossiers(reference_engine)
    client: DossierStatusClient | None = None
    if config.client.base_url:
        client = build_http_client(config.client, api_key=config.client.api_key)
    elif reference_app is not None:
        client = build_http_client(
            config.client,
            api_key=config.client.api_key or service_key,
            transport=httpx.ASGITransport(app=reference_app),
            base_url=IN_PROCESS_URL,
        )
    else:
        log.warning("no dossier status system configured: lookups will point to the national portal")
    limits = config.limits
    deps = DossierDeps(
        code_format=DossierCodeFormat(config.code.pattern, config.code.example),
        client=client,
        limiter=SqlLookupLimiter(
            engine,
            LookupLimits(
                failed_per_client=limits.failed_verifications_per_client,
                lockout_seconds=limits.lockout_minutes * 60,
                max_lockout_seconds=limits.max_lockout_minutes * 60,
                failed_per_code=limits.failed_verifications_per_code,
                lookups_per_conversation=limits.lookups_per_conversation,
                lookups_per_client=limits.lookups_per_client,
                window_seconds=limits.window_minutes * 60,
            ),
        ),
        subscriptions=SqlSubscriptionStore(engine),
        verifications=SqlVerificationStore(engine, ttl_seconds=limits.verified_minutes * 60),
        links=links,
        failure_floor_seconds=limits.failure_reply_seconds,
    )
    return DossierRuntime(deps, reference_app, service_key, changes, config.notifications.poll_seconds)


def serve_reference_service(settings: Settings, host: str | None = None, port: int | None = None) -> int:
    """``dvcbot dossier-service``: the reference service alone (point ``dossier.client.base_url`` at it)."""
    import uvicorn

    from bot.service import make_engine

    config = settings.dossier.service
    api_key = config.api_key
    if not api_key:
        api_key = secrets.token_urlsafe(24)
        log.warning("DVCBOT_DOSSIER__SERVICE__API_KEY is not set; temporary key for this run: %s", api_key)
    engine = make_engine(reference_database_url(settings, settings.stores.tracker_url))
    app = create_dossier_service_app(engine=engine, api_key=api_key, introspection=settings.introspection)
    if config.seed_demo:
        seed_demo_dossiers(engine)
    uvicorn.run(app, host=host or config.host, port=port or config.port, log_level="info")
    return 0
