"""The web's door to the search feature (`dailypapers.search`): parameter checks shared by the search page,
the search feed and the JSON API. Search itself lives in `dailypapers.search`; nothing here ranks or matches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from dailypapers.search import MODES, SearchPage, search_papers
from dailypapers.search import SORTS as SEARCH_SORTS
from dailypapers.store.db import Database
from dailypapers.web.periods import BadParameter, parse_day


@dataclass
class SearchParams:
    query: str = ""
    mode: str = "hybrid"
    sort: str = "relevance"
    category: str | None = None
    author: str | None = None
    since: str | None = None
    until: str | None = None
    categories: list[str] = field(default_factory=list)

    def dates(self) -> tuple[date | None, date | None]:
        since = parse_day(self.since, "since").start if self.since else None
        until = parse_day(self.until, "until").start if self.until else None
        if since and until and since > until:
            raise BadParameter("since", f"{since} is after until={until}")
        return since, until


def check_choice(param: str, value: str, choices: tuple[str, ...]) -> str:
    if value not in choices:
        raise BadParameter(param, f"must be one of {', '.join(choices)}, got {value!r}", status=422)
    return value


def run_search(db: Database, params: SearchParams, limit: int, offset: int) -> SearchPage:
    """The search feature's `SearchPage` for these parameters."""
    check_choice("mode", params.mode, MODES)
    check_choice("sort", params.sort, SEARCH_SORTS)
    since, until = params.dates()
    return search_papers(db, params.query, mode=params.mode, limit=limit, offset=offset,
                         categories=[params.category] if params.category else None, author=params.author or None,
                         since=since, until=until, sort=params.sort)


@dataclass(frozen=True)
class Coverage:
    """How many papers meaning search can see: those with a search vector of the configured model."""

    with_vectors: int
    papers: int

    @property
    def complete(self) -> bool:
        return self.with_vectors >= self.papers

    def sentence(self) -> str:
        return f"meaning search covers {self.with_vectors:,} of {self.papers:,} papers so far"


def vector_coverage(db: Database) -> Coverage | None:
    """Search-vector coverage, or None when the embedding model cannot be loaded (then keyword search only)."""
    try:
        from dailypapers.search.embedder import EmbedderError
        from dailypapers.search.engine import state
        from dailypapers.store import vectors
        from dailypapers.store.schema import papers
    except ImportError:
        return None
    try:
        model = state(db).embedder.name
    except EmbedderError:
        return None
    import sqlalchemy as sa

    with db.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
        missing = vectors.count_missing(conn, model)
    return Coverage(total - missing, total)
