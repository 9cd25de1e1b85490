"""`dailypapers index`, `search` and `eval`: build vectors, query from the shell, measure retrieval quality."""

from __future__ import annotations

import json
import sys

import click

from dailypapers.cli.common import AppContext, pass_app
from dailypapers.search import MODES, search_papers


@click.command("index")
@click.option("--batch-size", type=click.IntRange(1, 4096), default=None,
              help="Papers per embedding batch and per transaction (setting: index_batch_size).")
@click.option("--limit", type=click.IntRange(1), default=None, help="Stop after this many papers.")
@pass_app
def index(app: AppContext, batch_size: int | None, limit: int | None) -> None:
    """Compute the search vectors of papers that lack one (resumable: interrupt it and run it again)."""
    from dailypapers.search.indexer import index_missing

    db = app.database()
    done = index_missing(db, batch_size=batch_size, limit=limit, show_progress=True)
    click.echo(f"indexed {done.embedded} papers in {done.seconds:.0f}s ({done.rate:.1f} papers/s); "
               f"{done.remaining} still without a vector")


@click.command("search")
@click.argument("query")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True, help="Ranking to use.")
@click.option("--limit", type=click.IntRange(1, 100), default=10, show_default=True, help="Results to show.")
@click.option("--sort", type=click.Choice(["relevance", "newest", "upvotes"]), default="relevance",
              show_default=True, help="Order of the results.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of text.")
@pass_app
def search(app: AppContext, query: str, mode: str, limit: int, sort: str, as_json: bool) -> None:
    """Search papers. QUERY accepts "phrases", -excluded, author:NAME, cat:cs.CL, since:2025-01, until:2025-06."""
    page = search_papers(app.database(), query, mode=mode, limit=limit, sort=sort)
    if as_json:
        hits = [{"arxiv_id": h.paper["arxiv_id"], "title": h.paper["title"], "score": round(h.score, 6),
                 "published_at": h.paper["published_at"].isoformat() if h.paper["published_at"] else None}
                for h in page.hits]
        click.echo(json.dumps({"query": query, "mode": mode, "total": page.total, "message": page.message,
                               "hits": hits}, ensure_ascii=False))
        return
    if page.message:
        click.echo(page.message, err=not page.hits)
    for n, h in enumerate(page.hits, start=1):
        day = h.paper["published_at"].date().isoformat() if h.paper["published_at"] else "?"
        click.echo(f"{n:>3}. {h.paper['arxiv_id']:<12} {day}  {h.paper['title']}  [{h.score:.3f}]")


@click.command("eval")
@click.argument("queries_file", type=click.Path(dir_okay=False))
@click.option("--mode", type=click.Choice(MODES), multiple=True,
              help="Mode(s) to evaluate (repeatable; default: all three).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object {mode: {kind: figures}}.")
@pass_app
def eval_cmd(app: AppContext, queries_file: str, mode: tuple[str, ...], as_json: bool) -> None:
    """Measure search quality on QUERIES_FILE (JSON Lines {id, query, kind, relevant[]}): R@1, R@10, R@100,
    MRR@10, nDCG@10 and latency p50/p95 per kind and overall."""
    from dailypapers.search.engine import warm_keyword_index
    from dailypapers.search.evaluate import EvalFileError, format_table, load_queries, run_eval

    try:
        queries = load_queries(queries_file)
    except EvalFileError as exc:
        raise click.ClickException(str(exc)) from None
    db = app.database()
    warm_keyword_index(db, wait=True)  # latency figures are those of a running server, not of its first query
    results = {}
    for m in mode or MODES:
        def run(text: str, m: str = m) -> list[str]:
            return [h.paper["arxiv_id"] for h in search_papers(db, text, mode=m, limit=100).hits]

        results[m] = run_eval(queries, run)
        if not as_json:
            click.echo(format_table(results[m], title=f"mode: {m}  ({queries_file})"))
            click.echo("")
            sys.stdout.flush()
    if as_json:
        click.echo(json.dumps(results))


COMMANDS = [index, search, eval_cmd]
