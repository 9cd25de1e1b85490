"""Site plumbing: the favicon, redirects from Hugging Face's paths, hiding the subscribe banner."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse, RedirectResponse

from dailypapers.web.auth import safe_next
from dailypapers.web.routes.daily import BANNER_COOKIE

router = APIRouter(include_in_schema=False)
STATIC = Path(__file__).resolve().parent.parent / "static"


@router.get("/favicon.ico")
def favicon():
    return FileResponse(STATIC / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=604800"})


@router.get("/papers/trending")
def trending_redirect():
    return RedirectResponse("/trending", status_code=301)


@router.get("/banner/hide")
def hide_banner(next: str = Query("/", max_length=2000)):
    """The subscribe banner's ×: remembered for a year in a cookie (app.js does the same without a reload)."""
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(BANNER_COOKIE, "hidden", max_age=365 * 86400, samesite="lax", path="/")
    return response
