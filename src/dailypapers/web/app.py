"""The FastAPI application: HTML pages and JSON API over the store.

Each feature keeps its routes in a module of its own under `dailypapers.web.routes` that exposes `router`;
`create_app` includes them in the order of ROUTE_MODULES.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware

from dailypapers import __version__
from dailypapers.authors import author_path
from dailypapers.config import Settings, load_settings
from dailypapers.ids import abs_url, arxiv_categories, pdf_url
from dailypapers.links import http_url
from dailypapers.ranking import paper_comments, paper_votes
from dailypapers.store.db import Database
from dailypapers.store.version import DataVersion
from dailypapers.web import errors
from dailypapers.web.caching import PageCache, PageCacheMiddleware
from dailypapers.web.head import HeadAsGetMiddleware
from dailypapers.web.highlight import marked
from dailypapers.web.options import OptionsMiddleware
from dailypapers.web.richtext import author_query, rich_text

HERE = Path(__file__).resolve().parent
ROUTE_MODULES = [
    # Community routes come early: their /papers/{id}/upvote|comments paths must win over a catch-all paper page.
    "dailypapers.web.routes.community",
    "dailypapers.web.routes.email_verification",
    "dailypapers.web.routes.community_papers",
    "dailypapers.web.routes.community_api",
    "dailypapers.web.routes.moderation",
    "dailypapers.web.routes.daily",
    "dailypapers.web.routes.paper",
    "dailypapers.web.routes.authors",
    "dailypapers.web.routes.claims",
    "dailypapers.web.routes.trending",
    "dailypapers.web.routes.search_page",
    "dailypapers.web.routes.feeds",
    "dailypapers.web.routes.api",
    "dailypapers.web.routes.docs",
    "dailypapers.web.routes.mail",
    "dailypapers.web.routes.mail_account",
    "dailypapers.web.routes.harvest",
    "dailypapers.web.routes.site",
    "dailypapers.web.routes.library",
    "dailypapers.web.routes.library_api",
    "dailypapers.web.routes.foryou",
    "dailypapers.web.routes.reading_lists",
]


def create_app(settings: Settings | None = None, db: Database | None = None,
               background_sync: bool = False) -> FastAPI:
    settings = settings or load_settings()
    if db is None:
        db = Database(settings)
        db.upgrade()
    # docs_url=None: FastAPI's /docs would load Swagger UI from a CDN; routes/docs.py renders an offline page.
    app = FastAPI(title=settings.site_name, version=__version__, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.db = db
    app.state.page_cache = PageCache(settings.page_cache_entries)
    app.add_middleware(PageCacheMiddleware, cache=app.state.page_cache, version=DataVersion(db).current)
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(site_name=settings.site_name, abs_url=abs_url, pdf_url=pdf_url, author_url=author_path,
                                 votes=paper_votes, comments_of=paper_comments, current_user=None)
    templates.env.filters["marked"] = marked
    templates.env.filters.update(rich=rich_text, arxiv_categories=arxiv_categories, author_query=author_query)
    templates.env.filters["http_url"] = http_url  # links from imported data: http(s) only, even on old rows
    templates.env.auto_reload = False  # templates ship with the package; no stat() per include per render
    app.state.templates = templates
    errors.install(app)
    from dailypapers.web import auth

    auth.install(app)  # current user + CSRF token in every template, login redirects, 429 pages
    from dailypapers.web import library_context

    library_context.install(app)  # saved / "not interested" state of the reader's papers in templates
    app.add_middleware(HeadAsGetMiddleware)
    app.add_middleware(OptionsMiddleware, router=app.router)
    # Outermost: pages are 50-100 KB of repetitive HTML; cached bodies are stored uncompressed and zipped per reply.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    for name in ROUTE_MODULES:
        app.include_router(importlib.import_module(name).router)

    from dailypapers.web import assistant

    assistant.mount(app, db, settings)  # the MCP server for AI assistants at /mcp

    if background_sync:  # rank keyword queries in memory from the first minute, not from the first query on
        from dailypapers.search.engine import warm_keyword_index

        warm_keyword_index(db)

    if background_sync:  # the personal ranking's tf-idf space, before the first /for-you asks for it
        from dailypapers.recs.space import warm_ranking_space

        warm_ranking_space(db)

    if background_sync and settings.jobs_in_serve:  # `serve` asks for it; tests and embedders do not
        from dailypapers.jobs.catalog import job_runner
        from dailypapers.web.background import run_beside

        runner = job_runner(db, settings)  # bad job settings fail at start-up, not in a thread
        run_beside(app, "jobs", runner.start, lambda job: job.stop())

    from dailypapers.web import security, submitting

    submitting.install(app)  # submissions look papers up on arXiv off the request threads

    security.install(app, settings)  # outermost: proxy headers, body cap, security headers

    @app.get("/healthz", include_in_schema=False)
    def healthz():
        from dailypapers.search.engine import keyword_index_status

        return {"ok": True, "version": __version__, "keyword_index": keyword_index_status(db)}

    return app
