"""Harvest status for admins: `/admin/status` (HTML) and `/api/harvest/status` (JSON)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request
from fastapi.responses import HTMLResponse

from dailypapers.harvest.status import describe_run, harvest_status
from dailypapers.store import harvest as harvest_store
from dailypapers.store.papers import CONTENT_FIELDS
from dailypapers.web.api_docs import errors
from dailypapers.web.auth import require_role
from dailypapers.web.deps import get_db, get_settings, templates
from dailypapers.web.search_glue import vector_coverage

router = APIRouter()


@router.get("/admin/status", response_class=HTMLResponse, include_in_schema=False,
            dependencies=[Depends(require_role("admin"))])
def status_page(request: Request):
    state = harvest_status(get_db(request), recent=20)
    jobs = getattr(request.app.state, "jobs", None)
    return templates(request).TemplateResponse(request, "harvest/status.html", {
        "state": state, "describe_run": describe_run, "settings": get_settings(request),
        "scheduled": jobs is not None and "arxiv-sync" in jobs.states, "coverage": vector_coverage(get_db(request)),
    })


@router.get("/api/harvest/status", dependencies=[Depends(require_role("admin"))], responses=errors(401, 403))
def status_json(request: Request) -> dict:
    """The last sync, any sync in progress and each OAI-PMH set's checkpoint."""
    state = harvest_status(get_db(request))

    def run(r: dict | None) -> dict | None:
        if r is None:
            return None
        return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in r.items() if k not in ("host", "pid")}

    return {
        "paper_count": state.paper_count,
        "running": run(state.running),
        "last": run(state.last),
        "last_ok": run(state.last_ok),
        "sets": [run(cp) for cp in state.checkpoints],
    }


@router.get("/api/arxiv/announcements/{day}", responses=errors(400, 422))
def announcements(request: Request, day: str = Path(json_schema_extra={"format": "date"}),
                  types: str = Query("new,cross", description="Comma-separated: new, cross, replace, replace-cross"),
                  ) -> list[dict]:
    """Papers arXiv announced on `day` (YYYY-MM-DD) with the given announce types: the "new on arXiv" list."""
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        raise HTTPException(400, f"path parameter 'day': not a YYYY-MM-DD date: {day!r}") from None
    wanted = tuple(t for t in types.split(",") if t)
    unknown = [t for t in wanted if t not in ("new", "cross", "replace", "replace-cross")]
    if unknown:
        raise HTTPException(400, f"query parameter 'types': unknown announce types {unknown}")
    with get_db(request).connect() as conn:
        rows = harvest_store.new_on_arxiv(conn, parsed, wanted)
    keep = ("arxiv_id", "announce_type", *CONTENT_FIELDS)
    return [{k: (r[k].isoformat() if hasattr(r[k], "isoformat") else r[k]) for k in keep if k in r} for r in rows]
