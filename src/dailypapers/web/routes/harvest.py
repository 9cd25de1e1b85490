"""Harvest status: `/admin/status` (HTML) and `/api/harvest/status` (JSON).

TODO(community): put both behind admin authentication once accounts and roles land.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from dailypapers.harvest.status import describe_run, harvest_status
from dailypapers.web.deps import get_db, get_settings, templates

router = APIRouter()


@router.get("/admin/status", response_class=HTMLResponse, include_in_schema=False)
def status_page(request: Request):
    state = harvest_status(get_db(request), recent=20)
    scheduler = getattr(request.app.state, "sync_scheduler", None)
    return templates(request).TemplateResponse(request, "harvest/status.html", {
        "state": state, "describe_run": describe_run, "settings": get_settings(request),
        "scheduled": scheduler is not None,
    })


@router.get("/api/harvest/status")
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
