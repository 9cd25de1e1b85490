"""SQLite imports insert rows prepared in the reader process; they must store exactly what upsert_papers stores."""

import io

import sqlalchemy as sa

from dailypapers.config import Settings
from dailypapers.ingest.export import export_lines
from dailypapers.ingest.importer import import_files, parse_batches
from dailypapers.records import PaperRecord
from dailypapers.store.daily import upsert_daily_entries
from dailypapers.store.db import Database
from dailypapers.store.papers import NewPaperRows, upsert_papers, upsert_prepared
from tests.factories import hf_item, kaggle_line, write_jsonl


def _sqlite(tmp_path, name: str) -> Database:
    db = Database(Settings(database_url=f"sqlite:///{tmp_path / name}"))
    db.upgrade()
    return db


def _state(db: Database) -> tuple:
    """Everything an import writes, keyed by arXiv id, minus row ids and wall-clock stamps; FTS5 checked too.

    Row ids may differ: the fast path inserts papers that need merging before the fresh ones of the same batch.
    """
    with db.connect() as conn:
        rows = conn.exec_driver_sql("SELECT * FROM papers ORDER BY arxiv_id").mappings().all()
        cats = conn.exec_driver_sql("SELECT p.arxiv_id, c.category, c.position FROM paper_categories c "
                                    "JOIN papers p ON p.id = c.paper_id ORDER BY p.arxiv_id, c.position").all()
        daily = conn.exec_driver_sql("SELECT p.arxiv_id, d.day, d.submitted_at, d.submitter_name FROM daily_entries d "
                                     "JOIN papers p ON p.id = d.paper_id ORDER BY p.arxiv_id").all()
        # 'integrity-check' with rank 1 compares the index with the content of papers; it raises on any mismatch.
        conn.exec_driver_sql("INSERT INTO papers_fts(papers_fts, rank) VALUES ('integrity-check', 1)")
        changes = conn.exec_driver_sql("SELECT p.arxiv_id FROM paper_text_changes t JOIN papers p ON p.id = t.paper_id "
                                       "ORDER BY t.seq").all()
    papers = [{k: v for k, v in r.items() if k not in ("id", "created_at", "modified_at")} for r in rows]
    out = io.StringIO()
    export_lines(db, out)
    return papers, cats, daily, changes, out.getvalue()


def _mixed_files(tmp_path):
    first = write_jsonl(tmp_path / "a.jsonl", [
        kaggle_line("2501.00001"), kaggle_line("2501.00002", versions=2), kaggle_line("hep-th/9901001"),
        kaggle_line("2501.00003", categories="cs.AI cs.AI math.OC", title="Repeated inside a batch"),
        kaggle_line("2501.00003", versions=2, categories="cs.AI math.OC", title="Repeated inside a batch, v2"),
        hf_item("2501.00004"),
    ])
    second = write_jsonl(tmp_path / "b.jsonl", [
        hf_item("2501.00001", upvotes=11),  # stored paper, only community fields change (text untouched)
        kaggle_line("2501.00002", versions=3, title="Renamed in v3"),  # stored paper, text changes
        kaggle_line("2501.00005"), hf_item("2501.00006", day="2025-01-09"),  # new papers next to stored ones
        kaggle_line("2501.00001"),  # unchanged restatement
    ])
    return [first, second]


def test_prepared_rows_store_exactly_what_upsert_papers_stores(tmp_path):
    files = _mixed_files(tmp_path)
    fast, slow = _sqlite(tmp_path, "fast.db"), _sqlite(tmp_path, "slow.db")
    prepare = NewPaperRows(fast.engine.dialect)
    totals = {"fast": [], "slow": []}
    for path in files:
        for batch in parse_batches(path, 5, prepare):
            with fast.write() as conn:
                result, ids = upsert_prepared(conn, batch.papers)
                upsert_daily_entries(conn, batch.daily, ids)
            totals["fast"].append((result.new, result.updated, result.unchanged))
        for batch in parse_batches(path, 5):
            assert all(isinstance(p, PaperRecord) for p in batch.papers)
            with slow.write() as conn:
                result, ids = upsert_papers(conn, batch.papers, gists=False)  # as the importer does
                upsert_daily_entries(conn, batch.daily, ids)
            totals["slow"].append((result.new, result.updated, result.unchanged))
    assert totals["fast"] == totals["slow"]
    assert sum(n for n, _, _ in totals["fast"]) == 7
    fast_state, slow_state = _state(fast), _state(slow)
    assert fast_state == slow_state
    papers, cats, _, changes, _ = fast_state
    by_arxiv = {p["arxiv_id"]: p for p in papers}
    assert by_arxiv["2501.00002"]["title"] == "Renamed in v3"
    assert by_arxiv["2501.00001"]["imported_upvotes"] == 11
    assert by_arxiv["2501.00003"]["title"] == "Repeated inside a batch, v2"
    assert [(c, pos) for a, c, pos in cats if a == "2501.00003"] == [("cs.AI", 0), ("math.OC", 1)]
    # The text-change log (read by the in-memory keyword index) names the renamed paper and only it.
    assert [c[0] for c in changes] == ["2501.00002"]


def test_fast_import_is_idempotent_and_searchable(tmp_path):
    db = _sqlite(tmp_path, "t.db")
    files = _mixed_files(tmp_path)
    first = import_files(db, files, batch_size=3)
    assert (first.papers.new, first.rejected) == (7, [])
    before = _state(db)
    again = import_files(db, files, batch_size=3)
    assert (again.papers.new, again.papers.updated, again.daily_new, again.daily_updated) == (0, 0, 0, 0)
    assert _state(db) == before
    with db.connect() as conn:
        hits = conn.execute(sa.text("SELECT p.arxiv_id FROM papers_fts JOIN papers p ON p.id = papers_fts.rowid "
                                    "WHERE papers_fts MATCH :q ORDER BY p.arxiv_id"), {"q": "renamed"}).all()
    assert [h[0] for h in hits] == ["2501.00002"]


def test_import_checkpoints_less_often_while_it_runs_and_restores_the_default(tmp_path):
    db = _sqlite(tmp_path, "w.db")
    seen = []
    sa.event.listen(db.engine, "commit", lambda conn: seen.append(
        conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()))
    import_files(db, _mixed_files(tmp_path), batch_size=3)
    assert seen and set(seen) == {25000}
    with db.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 1000
