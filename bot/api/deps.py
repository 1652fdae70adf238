"""FastAPI dependencies: the running service, reached through ``app.state``."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request

from bot.service import Service
from knowledge.catalogue import ProcedureCatalogue

__all__ = ["CatalogueDep", "ServiceDep", "get_catalogue", "get_service"]


def get_service(request: Request) -> Service:
    service: Service | None = getattr(request.app.state, "service", None)
    if service is None:
        raise HTTPException(status_code=503, detail="Dịch vụ đang khởi động, vui lòng thử lại sau giây lát.")
    return service


ServiceDep = Annotated[Service, Depends(get_service)]


def get_catalogue(service: ServiceDep) -> ProcedureCatalogue:
    return service.catalogue


CatalogueDep = Annotated[ProcedureCatalogue, Depends(get_catalogue)]
