"""``GET /api/procedures?q=&field=&limit=`` (ranked search) and ``GET /api/procedures/{code}``.

For the call-centre console and portals that embed the catalogue: the same retrieval the bot uses,
so ``q=dang ky khai sinh`` finds "Đăng ký khai sinh" without diacritics. An unknown code is a 404
with ``{"error": ...}`` like every other error of the app.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query

from bot.api.deps import CatalogueDep
from bot.api.procedure_schemas import ProcedureRead, ProcedureSearchRead, ProcedureSummaryRead
from knowledge.search import search_procedures

__all__ = ["router"]

router = APIRouter(prefix="/api/procedures", tags=["procedures"])


@router.get("")
def search(
    catalogue: CatalogueDep,
    q: Annotated[str, Query(max_length=500, description="tên, tên gọi khác, từ khóa, lĩnh vực hoặc mã")] = "",
    field: Annotated[str | None, Query(max_length=64, description="mã lĩnh vực, ví dụ ho_tich")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
) -> ProcedureSearchRead:
    hits = search_procedures(catalogue=catalogue, query=q, field=field or None, limit=limit)
    results = [
        ProcedureSummaryRead.model_validate({**hit.record.model_dump(), "score": hit.score}) for hit in hits
    ]
    return ProcedureSearchRead(query=q, field=field or None, count=len(results), results=results)


@router.get("/{code}")
def detail(code: str, catalogue: CatalogueDep) -> ProcedureRead:
    record = catalogue.get(code) or next((r for r in catalogue.all() if r.national_code == code), None)
    if record is None:
        raise HTTPException(status_code=404, detail=f"Không có thủ tục mã {code!r} trong danh mục.")
    return ProcedureRead.model_validate(record, from_attributes=True)
