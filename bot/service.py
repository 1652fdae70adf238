"""Assembles the running assistant from ``Settings``: stores, catalogue, model, actions, agent.

Kept apart from the HTTP app so that the shell, the tests and the benchmarks build exactly the same
assistant as ``dvcbot run``.
"""

from __future__ import annotations

import json
import logging
import pickle
import time
from dataclasses import dataclass
from pathlib import Path

import yaml
from sqlalchemy import Engine, create_engine, event

from actions.facts import AspectCertainty
from actions.procedure import SupportLinks
from actions.registry import build_actions
from bot.agent import Agent, AgentConfig
from bot.coordination.bus import user_topic
from bot.coordination.runtime import Coordination, build_coordination
from bot.domain import Domain
from bot.dossier_followups import DossierFollowupPolicy
from bot.dossier_setup import DossierRuntime, build_dossier_runtime, reference_database_url
from bot.metrics import Metrics
from bot.outputs import OutputRegistry
from bot.related_procedures import FirstPolicies, RelatedProcedurePolicy
from bot.rules import RulePolicy
from bot.sender_secret_store import SqlSenderSecretStore
from bot.settings import Settings
from bot.tracker_store import SqlTrackerStore
from console.wiring import HandoffParts, build_handoff
from knowledge.catalogue import SqlCatalogue, as_catalogue_entry
from knowledge.loader import load_catalogue_dir
from nlu.interpreter import Interpreter, fingerprint
from nlu.normalize import Abbreviations
from nlu.other_procedures import load_other_procedures
from nlu.procedure_questions import load_procedure_questions
from nlu.training_data import load_nlu_files

__all__ = ["ABBREVIATIONS_FILE", "Service", "build_service", "make_engine", "make_read_engine", "train_model"]

log = logging.getLogger("dvcbot.service")
ABBREVIATIONS_FILE = "nlu/data/abbreviations.yml"
FIELDS_FILE = "knowledge/fields.yml"


@dataclass(slots=True)
class Service:
    settings: Settings
    agent: Agent
    interpreter: Interpreter
    catalogue: SqlCatalogue
    domain: Domain
    started_seconds: float
    sender_secrets: SqlSenderSecretStore  # REST conversations' secrets (channels.rest)
    outputs: OutputRegistry | None = None  # pushes by channel name; channels register theirs here
    dossier: DossierRuntime | None = None
    handoff: HandoffParts | None = None  # conversations handed to call-centre staff (console)
    # What several workers share (locks, bus, limits; Redis when configured) and what /metrics shows.
    coordination: Coordination | None = None
    metrics: Metrics | None = None
    tracker_engine: Engine | None = None
    catalogue_engine: Engine | None = None


def _strict_json(value: object) -> str:
    """JSON as PostgreSQL accepts it: NaN/Infinity refused on SQLite too, so both stores behave alike."""
    return json.dumps(value, allow_nan=False)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False}, json_serializer=_strict_json,
                               hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection, _record):  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    # hide_parameters: a database error's message (logged with its traceback) never carries the
    # values of the statement, such as a sender id that is a phone number.
    # No pre-ping: it is a round trip on every checkout (a turn checks out five times; 93 -> 112 msg/s
    # on one PostgreSQL worker without it). After a PostgreSQL restart the first statement on a stale
    # connection fails (that turn gets the 503 with Retry-After) and SQLAlchemy drops the whole pool.
    return create_engine(url, pool_pre_ping=False, json_serializer=_strict_json, hide_parameters=True)


def make_read_engine(url: str, engine: Engine) -> Engine:
    """The engine for the reads a turn makes outside its write (its state, its secret, an open handoff).

    PostgreSQL: its own pool in autocommit, so a read is one round trip, not BEGIN, SELECT and the
    ROLLBACK of the connection's return to the pool (~60 µs of CPU less a read, and two round trips).
    A read sees what was committed before it, as in a transaction of its own. SQLite: ``engine``
    itself (its driver begins no transaction for a SELECT).
    """
    if url.startswith("sqlite"):
        return engine
    return create_engine(
        url, pool_pre_ping=False, json_serializer=_strict_json, hide_parameters=True, isolation_level="AUTOCOMMIT"
    )


def field_names(settings: Settings) -> dict[str, str]:
    data = yaml.safe_load(settings.path(FIELDS_FILE).read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in (data.get("fields") or {}).items()}


def train_model(
    settings: Settings,
    catalogue: SqlCatalogue | None = None,
    nlu_files: list[Path] | None = None,
    out_dir: Path | None = None,
    force: bool = False,
) -> tuple[Interpreter, Path, bool]:
    """Train unless a model with the same fingerprint exists; returns (model, its dir, trained?)."""
    files = nlu_files or [settings.path(p) for p in settings.nlu_data]
    abbreviations_path = settings.path(ABBREVIATIONS_FILE)
    entries = [as_catalogue_entry(r) for r in catalogue.all()] if catalogue else []
    other_files = [settings.path(p) for p in settings.other_procedures] if catalogue else []
    question_files = question_paths(settings) if catalogue else []
    key = fingerprint(settings.pipeline, [*files, abbreviations_path, *other_files, *question_files], entries)
    directory = (out_dir or settings.path(settings.model.dir)) / key
    if not force and (directory / "pipeline.pkl").exists():
        try:
            return Interpreter.load(directory), directory, False
        except (OSError, ValueError, TypeError, EOFError, pickle.UnpicklingError) as error:
            log.warning("cached model at %s unusable (%s); retraining", directory, error)
    data = load_nlu_files(files)
    interpreter = Interpreter.train(
        settings.pipeline,
        data,
        abbreviations=Abbreviations.from_file(abbreviations_path),
        catalogue=entries,
        model_fingerprint=key,
        others=load_other_procedures(other_files),
        questions=load_procedure_questions(question_files),
        project_data=is_project_data(settings, files),
    )
    interpreter.save(directory)
    return interpreter, directory, True


def is_project_data(settings: Settings, files: list[Path]) -> bool:
    """Whether NLU files are the project's own (``nlu_data`` in config.yml), to which its
    abbreviation table belongs; another data set given with ``--nlu`` is not."""
    own = {settings.path(p).resolve() for p in settings.nlu_data}
    return all(Path(f).resolve() in own for f in files)


def question_paths(settings: Settings, others: bool = False) -> list[Path]:
    """The procedure-question files, each entry of ``procedure_questions:`` (``others``: of
    ``other_procedure_questions:``) a glob under the project."""
    patterns = settings.other_procedure_questions if others else settings.procedure_questions
    return sorted(path for pattern in patterns for path in settings.root.glob(pattern))


def load_catalogue(settings: Settings, engine: Engine | None = None) -> SqlCatalogue:
    catalogue = SqlCatalogue(engine or make_engine(settings.stores.catalogue_url))
    records = load_catalogue_dir(settings.path(settings.catalogue_data))
    inserted, updated = catalogue.upsert(records)
    if inserted or updated:
        log.info("catalogue: %d new, %d updated procedures from YAML", inserted, updated)
    return catalogue


def build_service(settings: Settings) -> Service:
    started = time.perf_counter()
    domain = Domain.load(settings.path(settings.domain))
    catalogue_engine = make_engine(settings.stores.catalogue_url)
    catalogue = load_catalogue(settings, catalogue_engine)
    interpreter, _, trained = train_model(settings, catalogue)
    if trained:
        log.info("trained NLU model in %.1f s", interpreter.trained_seconds)
    links = SupportLinks(hotline=settings.support.hotline, portal_search_url=settings.support.portal_search_url)
    tracker_engine = make_engine(settings.stores.tracker_url)
    tracker_reads = make_read_engine(settings.stores.tracker_url, tracker_engine)
    dossier = build_dossier_runtime(
        settings,
        engine=tracker_engine,
        reference_engine=(
            make_engine(reference_database_url(settings, settings.stores.tracker_url))
            if settings.dossier.service.enabled
            else None
        ),
        links=links,
    )
    verifications = dossier.deps.verifications
    metrics = Metrics()
    coordination = build_coordination(settings.redis, observe_wait=metrics.lock_wait)
    handoff = build_handoff(
        settings.console, tracker_engine, hotline=settings.support.hotline, read_engine=tracker_reads
    )
    actions = build_actions(
        catalogue=catalogue,
        field_names=field_names(settings),
        links=links,
        fallback_buttons=settings.policies.fallback_buttons,
        dossier=dossier.deps,
        certainty=AspectCertainty(
            sure=settings.policies.sure_aspect_probability, second=settings.policies.second_aspect_probability
        ),
    )
    actions[handoff.action.name()] = handoff.action
    rules = RulePolicy.load(settings.path(settings.rules))
    agent = Agent(
        first=FirstPolicies(
            DossierFollowupPolicy(
                lambda sender, channel: verifications.current(sender_id=sender, channel=channel) is not None
            ),
            RelatedProcedurePolicy(catalogue, settings.policies.known_procedure_threshold),
        ),
        interpreter=interpreter,
        domain=domain,
        policy=rules,
        store=SqlTrackerStore(tracker_engine, domain.slot_names, timer=metrics.store, read_engine=tracker_reads),
        locks=coordination.locks,
        metrics=metrics,
        actions=actions,
        handoff=handoff.policy,
        prepare_inline=settings.stores.tracker_url.startswith("sqlite"),  # its reads are local: no hop
        config=AgentConfig(
            fallback_threshold=settings.policies.fallback_threshold,
            ambiguity_threshold=settings.policies.ambiguity_threshold,
            known_procedure_threshold=settings.policies.known_procedure_threshold,
            second_aspect_probability=settings.policies.second_aspect_probability,
            sure_aspect_probability=settings.policies.sure_aspect_probability,
            max_actions_per_turn=settings.policies.max_actions_per_turn,
            max_message_chars=settings.server.max_message_chars,
            session_expiration_minutes=settings.session.expiration_minutes,
            carry_over_slots=settings.session.carry_over_slots,
            response_variables=(
                ("hotline", settings.support.hotline),
                ("portal_feedback_url", settings.support.portal_feedback_url),
                ("portal_lookup_url", settings.support.portal_lookup_url),
                ("dossier_code_example", settings.dossier.code.example),
            ),
        ),
    )
    # Channels without push (REST, shell, any not registered) keep alerts pending in the conversation.
    bus = coordination.bus

    async def announce(channel: str, sender_id: str, count: int) -> None:
        await bus.publish(user_topic(channel, sender_id), {"pending": count})

    outputs = OutputRegistry(fallback=agent.push_pending, announce=announce)
    outputs.register("rest", agent.push_pending)
    dossier.connect_outputs(outputs)
    return Service(
        settings, agent, interpreter, catalogue, domain, time.perf_counter() - started,
        sender_secrets=SqlSenderSecretStore(tracker_engine, read_engine=tracker_reads), outputs=outputs, dossier=dossier, handoff=handoff,
        coordination=coordination, metrics=metrics, tracker_engine=tracker_engine,
        catalogue_engine=catalogue_engine,
    )
