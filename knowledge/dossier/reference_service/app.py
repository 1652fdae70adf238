"""The reference one-stop service as a FastAPI app: look up, create and update dossiers, append steps.

It stands in for a province's one-stop system (hệ thống một cửa điện tử) so the whole chat flow runs
without one; the bot talks to it only through ``HttpDossierStatusClient``, as it would to the real
one. Every route under ``/api`` needs the API key in ``X-API-Key``. A status change (by update or by a
new step) is announced to the ``StatusChangeHub`` after the response is sent.

``GET  /api/dossiers/{code}``          the dossier, with its steps (404 when unknown)
``POST /api/dossiers``                  create (201; 409 when the code exists)
``PATCH /api/dossiers/{code}``          change status, step, department, due date, missing documents
``POST /api/dossiers/{code}/steps``     append a processing step (201)
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import APIRouter, BackgroundTasks, Depends, FastAPI, Header, HTTPException, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.api.errors import install_error_handlers
from knowledge.dossier.reference_service.changes import StatusChangeHub
from knowledge.dossier.reference_service.models import DossierRow, ReferenceBase
from knowledge.dossier.reference_service.schemas import DossierCreate, DossierRead, DossierUpdate, StepCreate
from knowledge.dossier.reference_service.store import (
    DossierExists,
    append_step,
    count_dossiers,
    create_dossier,
    get_dossier,
    update_dossier,
)

__all__ = ["API_KEY_HEADER", "create_dossier_service_app"]

API_KEY_HEADER = "X-API-Key"


def _read(row: DossierRow) -> dict[str, Any]:
    return DossierRead.model_validate(row).model_dump(mode="json", by_alias=True)


def _session(request: Request) -> Iterator[Session]:
    with Session(request.app.state.engine) as db:
        yield db


def _require_key(request: Request, key: Annotated[str | None, Header(alias=API_KEY_HEADER)] = None) -> None:
    expected: str = request.app.state.api_key
    if key is None or not hmac.compare_digest(key.encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong API key")


SessionDep = Annotated[Session, Depends(_session)]


def create_dossier_service_app(
    *, engine: Engine, api_key: str, changes: StatusChangeHub | None = None, introspection: bool = True
) -> FastAPI:
    """The service on ``engine``; tables are created if missing. ``api_key`` must not be empty.

    Without ``introspection`` (production unless enabled) there is no ``/docs``, ``/openapi.json``
    nor ``/health``, whose dossier count tells anyone how busy the office is.
    """
    if not api_key:
        raise ValueError("the reference dossier service needs an API key")
    ReferenceBase.metadata.create_all(engine)
    hub = changes or StatusChangeHub()

    api = APIRouter(prefix="/api", dependencies=[Depends(_require_key)])

    def found(db: Session, code: str) -> DossierRow:
        row = get_dossier(session=db, code=code)
        if row is None:
            raise HTTPException(status_code=404, detail="dossier not found")
        return row

    @api.get("/dossiers/{code}")
    def read_dossier(code: str, db: SessionDep) -> dict[str, Any]:
        return _read(found(db, code))

    @api.post("/dossiers", status_code=201)
    def create(data: DossierCreate, db: SessionDep) -> dict[str, Any]:
        try:
            row = create_dossier(session=db, data=data)
        except DossierExists as error:
            raise HTTPException(status_code=409, detail=f"dossier {error} already exists") from error
        db.commit()
        return _read(row)

    @api.patch("/dossiers/{code}")
    def update(code: str, data: DossierUpdate, db: SessionDep, background: BackgroundTasks) -> dict[str, Any]:
        row = found(db, code)
        changed = update_dossier(session=db, row=row, data=data)
        db.commit()
        if changed:
            background.add_task(hub.publish, row.code)
        return _read(row)

    @api.post("/dossiers/{code}/steps", status_code=201)
    def add_step(code: str, data: StepCreate, db: SessionDep, background: BackgroundTasks) -> dict[str, Any]:
        row = found(db, code)
        changed = append_step(session=db, row=row, data=data)
        db.commit()
        if changed:
            background.add_task(hub.publish, row.code)
        return _read(row)

    app = FastAPI(
        title="dvcbot reference dossier service", version="0.1.0",
        openapi_url="/openapi.json" if introspection else None, docs_url="/docs" if introspection else None,
        redoc_url="/redoc" if introspection else None,
    )
    app.state.engine, app.state.api_key, app.state.changes = engine, api_key, hub

    if introspection:

        @app.get("/health")
        def health() -> dict[str, Any]:
            with Session(engine) as db:
                return {"status": "ok", "dossiers": count_dossiers(session=db)}

    app.include_router(api)
    install_error_handlers(app)
    return app
