"""The hub for AI assistants: an MCP server (official SDK) with read-only tools over search, the daily lists,
trending, single papers, similar papers and authors. `dailypapers mcp` serves it on stdio; `serve` mounts the same
server at `/mcp` (streamable HTTP). Results stay small: ids, titles, TL;DRs, links, and paging."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import FastAPI, HTTPException
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import Field
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from dailypapers import __version__
from dailypapers.config import Settings
from dailypapers.ids import InvalidArxivId, abs_url, parse_arxiv_id
from dailypapers.ranking import paper_votes
from dailypapers.store import listing
from dailypapers.store.authors import author_profile, papers_by_author
from dailypapers.store.db import Database
from dailypapers.web.periods import BadParameter, parse_day, parse_week
from dailypapers.web.search_glue import SearchParams, run_search
from dailypapers.web.views import ranked_page, trending_filter

Limit = Annotated[int, Field(ge=1, le=50, description="How many results (1-50).")]
Offset = Annotated[int, Field(ge=0, le=1000, description="How many results to skip (paging).")]
ArxivId = Annotated[str, Field(min_length=1, max_length=100, description="arXiv id or link, e.g. 2501.00012")]
INSTRUCTIONS = ("Papers of this daily-papers hub. Each result has an id (arXiv), title, a one-sentence TL;DR and "
                "links; fetch a paper's full text as Markdown from its `markdown` link or with get_paper.")


def _brief(row: dict, base_url: str) -> dict[str, Any]:
    aid = row["arxiv_id"]
    published = row.get("published_at")
    return {
        "id": aid,
        "title": row.get("title") or "",
        "tldr": row.get("ai_summary") or row.get("tldr"),
        "upvotes": paper_votes(row),
        "published": published.date().isoformat() if published else None,
        "url": f"{base_url}/papers/{aid}",
        "markdown": f"{base_url}/papers/{aid}.md",
    }


def _page(rows: list[dict], total: int | None, offset: int, base_url: str, **extra: Any) -> dict[str, Any]:
    end = offset + len(rows)
    more = total > end if total is not None else bool(rows)
    return {**extra, "total": total, "offset": offset, "next_offset": end if more else None,
            "papers": [_brief(r, base_url) for r in rows]}


def _arxiv_id(value: str) -> str:
    try:
        return parse_arxiv_id(value)[0]
    except InvalidArxivId as exc:
        raise ToolError(f"arxiv_id: {exc}") from None


def build_server(db: Database, settings: Settings) -> MCPServer:
    """The MCP server with every tool bound to `db` (read-only)."""
    server: MCPServer = MCPServer(name=settings.site_name, instructions=INSTRUCTIONS, version=__version__)
    base = settings.base_url

    @server.tool()
    def search_papers(
        query: Annotated[str, Field(min_length=1, max_length=500, description="Words, \"phrases\", -exclusions, "
                                    "author:, cat:, since:, until: (see the hub's README).")],
        mode: Literal["hybrid", "keyword", "semantic"] = "hybrid",
        sort: Literal["relevance", "newest", "upvotes"] = "relevance",
        category: Annotated[str | None, Field(max_length=40, description="arXiv category, e.g. cs.CL")] = None,
        author: Annotated[str | None, Field(max_length=200)] = None,
        since: Annotated[str | None, Field(description="YYYY-MM-DD: first published on or after")] = None,
        until: Annotated[str | None, Field(description="YYYY-MM-DD: first published on or before")] = None,
        limit: Limit = 10,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """Search the hub's papers by keyword, meaning, or both (hybrid)."""
        params = SearchParams(query=query, mode=mode, sort=sort, category=category, author=author, since=since,
                              until=until)
        try:
            page = run_search(db, params, limit, offset)
        except (BadParameter, HTTPException) as exc:
            raise ToolError(str(getattr(exc, "detail", None) or exc)) from None
        if page.message and not page.hits:
            raise ToolError(f"query: {page.message}")
        return _page([h.paper for h in page.hits], page.total, offset, base)

    @server.tool()
    def daily_papers(
        date: Annotated[str | None, Field(description="YYYY-MM-DD; default: the newest listed day")] = None,
        week: Annotated[str | None, Field(description="ISO week YYYY-Www (instead of date)")] = None,
        sort: Literal["upvotes", "newest", "trending"] = "upvotes",
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """The papers on one day's (or one week's) daily list."""
        if date and week:
            raise ToolError("date, week: give one of them, not both")
        try:
            with db.connect() as conn:
                if week:
                    span = parse_week(week)
                else:
                    latest = listing.latest_day(conn)
                    if date is None and latest is None:
                        return _page([], 0, offset, base, period=None)
                    span = parse_day(date or latest.isoformat())  # type: ignore[union-attr]
                page, _scores = ranked_page(conn, listing.ListFilter(span.period), sort, limit, offset)
        except BadParameter as exc:
            raise ToolError(str(exc)) from None
        return _page(page.rows, page.total, offset, base, period=span.label)

    @server.tool()
    def trending(limit: Limit = 10, offset: Offset = 0) -> dict[str, Any]:
        """What is trending now (votes and comments over age, as on the hub's /trending page)."""
        with db.connect() as conn:
            flt = trending_filter(conn, settings.trending_window_days)
            page, _scores = ranked_page(conn, flt, "trending", limit, offset)
        return _page(page.rows, page.total, offset, base)

    @server.tool()
    def get_paper(arxiv_id: ArxivId) -> dict[str, Any]:
        """One paper: title, authors, dates, TL;DR, keyphrases, abstract and links."""
        aid = _arxiv_id(arxiv_id)
        with db.connect() as conn:
            row = listing.paper_with_entry(conn, aid)
        if row is None or row["hidden"]:
            raise ToolError(f"arxiv_id: paper {aid} is not in this hub")
        day: date | None = row.get("day")
        return {**_brief(row, base), "authors": row.get("authors") or [],
                "categories": (row.get("categories") or "").split(), "abstract": row.get("abstract") or "",
                "keyphrases": row.get("ai_keywords") or row.get("keyphrases") or [],
                "daily_list_day": day.isoformat() if day else None, "arxiv_url": abs_url(aid),
                "code_url": row.get("code_url"), "project_url": row.get("project_url")}

    @server.tool()
    def similar_papers(arxiv_id: ArxivId, limit: Limit = 5) -> dict[str, Any]:
        """Papers nearest in meaning to one paper (empty until the hub has embedded it)."""
        from dailypapers.search import similar_papers as nearest

        aid = _arxiv_id(arxiv_id)
        with db.connect() as conn:
            row = listing.paper_with_entry(conn, aid)
        if row is None or row["hidden"]:
            raise ToolError(f"arxiv_id: paper {aid} is not in this hub")
        rows = [h.paper for h in nearest(db, aid, limit=limit)]
        return _page(rows, len(rows), 0, base, of=aid)

    @server.tool()
    def author_papers(
        name: Annotated[str, Field(min_length=1, max_length=200, description="The author's name as written")],
        limit: Limit = 20,
        offset: Offset = 0,
    ) -> dict[str, Any]:
        """An author's papers here, newest first, with frequent co-authors (names matched after case, accents
        and punctuation are normalized; initials are not expanded)."""
        with db.connect() as conn:
            rows, total = papers_by_author(conn, name, limit, offset)
            profile = author_profile(conn, name) if offset == 0 else None
        if total == 0:
            raise ToolError(f"name: no papers by {name!r} in this hub")
        extra: dict[str, Any] = {"author": name}
        if profile is not None:
            extra["coauthors"] = [c for c, _ in profile.coauthors]
        return _page(rows, total, offset, base, **extra)

    return server


class _McpEndpoint:
    """The ASGI endpoint at /mcp: the SDK's streamable-HTTP app of the current app lifespan (the SDK's session
    manager runs once per instance, and tests start one app several times)."""

    def __init__(self) -> None:
        self.app: Starlette | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            await PlainTextResponse("MCP is not running", status_code=503)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def mount(app: FastAPI, db: Database, settings: Settings) -> None:
    """Serve the MCP server at /mcp on `app` (streamable HTTP, stateless: any server process can answer)."""
    server = build_server(db, settings)
    host = settings.base_url.split("://", 1)[-1].split("/", 1)[0]
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[host, "127.0.0.1:*", "localhost:*", "[::1]:*", "testserver"],
        allowed_origins=[settings.base_url, "http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )
    endpoint = _McpEndpoint()
    app.router.routes.append(Route("/mcp", endpoint=endpoint))
    inner = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a: FastAPI) -> AsyncIterator[Any]:
        endpoint.app = server.streamable_http_app(streamable_http_path="/mcp", stateless_http=True,
                                                  json_response=True, transport_security=security)
        try:
            async with server.session_manager.run(), inner(a) as state:
                yield state
        finally:
            endpoint.app = None

    app.router.lifespan_context = lifespan
