"""Search over every paper, for the web pages, the API, mail and the CLI.

    search_papers(db, query, *, mode="hybrid", limit=20, offset=0, categories=None, author=None, since=None,
                  until=None, sort="relevance") -> SearchPage
    similar_papers(db, arxiv_id, limit=10) -> list[Hit]

`SearchPage.hits` holds `Hit(paper=<papers row as dict>, score=float, highlights={"title", "abstract",
"authors": HTML-escaped text with matches in <mark>})`, `total` (matches available to page through) and
`message` (set when the query could not run or found nothing; user input never raises). An invalid `mode`
(keyword, semantic, hybrid) or `sort` (relevance, newest, upvotes) raises ValueError naming the parameter.
"""

from dailypapers.search.engine import MODES, SORTS, Hit, SearchPage, search_papers, similar_papers

__all__ = ["MODES", "SORTS", "Hit", "SearchPage", "search_papers", "similar_papers"]
