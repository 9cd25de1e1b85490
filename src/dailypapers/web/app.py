"""The FastAPI application: HTML pages and JSON API over the store."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from dailypapers import __version__
from dailypapers.config import Settings, load_settings
from dailypapers.ids import abs_url, pdf_url
from dailypapers.store import daily as daily_store
from dailypapers.store.db import Database

HERE = Path(__file__).resolve().parent


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or load_settings()
    if db is None:
        db = Database(settings)
        db.upgrade()
    app = FastAPI(title=settings.site_name, version=__version__)
    app.state.settings = settings
    app.state.db = db
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(site_name=settings.site_name, abs_url=abs_url, pdf_url=pdf_url)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(request: Request):
        with db.connect() as conn:
            day = daily_store.latest_day(conn)
        if day is None:
            return templates.TemplateResponse(request, "empty.html", {}, status_code=200)
        return _daily(request, day)

    @app.get("/papers/date/{day}", response_class=HTMLResponse, include_in_schema=False)
    def daily_page(request: Request, day: str):
        try:
            parsed = date.fromisoformat(day)
        except ValueError:
            raise HTTPException(400, f"path parameter 'day': not a YYYY-MM-DD date: {day!r}") from None
        return _daily(request, parsed)

    @app.get("/papers/date", include_in_schema=False)
    def daily_redirect():
        return RedirectResponse(f"/papers/date/{datetime.now(UTC).date().isoformat()}")

    def _daily(request: Request, day: date):
        with db.connect() as conn:
            papers = daily_store.papers_on_day(conn, day)
            prev_day, next_day = daily_store.neighbour_days(conn, day)
        return templates.TemplateResponse(
            request, "daily.html", {"day": day, "papers": papers, "prev_day": prev_day, "next_day": next_day}
        )

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        return {"ok": True, "version": __version__}

    return app
