"""`dailypapers eval-recs`: how well each ranking method predicts the paper a reader picked next."""

from __future__ import annotations

import json
import sys
from functools import partial

import click

from dailypapers.cli.common import AppContext, pass_app

METHODS = ("foryou", "random", "tfidf-svm", "emb-centroid", "emb-linear", "tfidf-centroid", "tfidf-nearest")


@click.command("eval-recs")
@click.argument("events_file", type=click.Path(dir_okay=False))
@click.option("--method", type=click.Choice(METHODS), multiple=True,
              help="Method(s) to evaluate (repeatable; default: all, the product's default `foryou` first).")
@click.option("--tune", is_flag=True,
              help="Also fit `foryou`'s weights on the tuning half of the events and evaluate them as `foryou-tuned`.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object {method: {split: figures}}.")
@pass_app
def eval_recs(app: AppContext, events_file: str, method: tuple[str, ...], tune: bool, as_json: bool) -> None:
    """Replay recommendation events (JSON Lines {id, user, library[], candidates[], relevant[]}): each library is a
    new reader's, its candidates are ranked from the papers' own content, and the rank of the relevant paper gives
    MRR, R@1, R@10, nDCG@10 and the median rank, with ranking latency p50/p95. Figures are overall and per half
    of the users ("tune", "test")."""
    from dailypapers.recs.evalcorpus import build_eval_corpus
    from dailypapers.recs.evaluate import EventsFileError, format_table, load_events, run_method

    try:
        events = load_events(events_file)
    except EventsFileError as exc:
        raise click.ClickException(str(exc)) from None
    corpus = build_eval_corpus(app.database(), events)
    if corpus.missing:
        click.echo(f"{len(corpus.missing)} ids of the events are not in the database and are left out "
                   f"(e.g. {', '.join(sorted(corpus.missing)[:3])})", err=True)
    chosen = [m for m in METHODS if m in method] if method else list(METHODS)
    scorers = corpus.scorers()
    if tune:
        from dailypapers.recs.methods import foryou_scores
        from dailypapers.recs.tune import fit_weights

        weights = fit_weights([e for e in events if e.split == "tune"], corpus.featurize)
        click.echo(f"weights fitted on the tuning half: {json.dumps(weights)}", err=True)
        scorers["foryou-tuned"] = partial(foryou_scores, weights=weights)
        chosen.insert(1 if chosen and chosen[0] == "foryou" else 0, "foryou-tuned")
    results = {}
    for name in chosen:
        results[name] = run_method(events, corpus.featurize, scorers[name])
        if not as_json:
            click.echo(format_table({name: results[name]}))
            sys.stdout.flush()
    if as_json:
        click.echo(json.dumps(results))


COMMANDS = [eval_recs]
