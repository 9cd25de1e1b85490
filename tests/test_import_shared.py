"""The real data in ../shared: counts the foundation issue promises."""

import io

import pytest

from dailypapers.ingest.export import export_lines
from dailypapers.ingest.importer import import_files
from dailypapers.store.db import Database
from dailypapers.store.listing import latest_day


@pytest.mark.slow
def test_shared_data_imports_idempotently_and_round_trips(db, shared_dir, settings, tmp_path):
    files = [shared_dir / "data" / "arxiv_2025_2026.jsonl.gz", shared_dir / "data" / "hf_daily_papers.jsonl.gz"]
    first = import_files(db, files)
    assert first.ok
    assert first.papers.new == 80317
    assert first.daily_new == 9877
    again = import_files(db, files)
    assert (again.papers.new, again.papers.updated, again.daily_new, again.daily_updated) == (0, 0, 0, 0)
    with db.connect() as conn:
        assert latest_day(conn).isoformat() == "2026-08-21"
    out = io.StringIO()
    export_lines(db, out)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(out.getvalue())
    other = Database(settings.replace(database_url=f"sqlite:///{tmp_path / 'copy.db'}"))
    other.upgrade()
    assert import_files(other, [dump]).papers.new == 80317
    out2 = io.StringIO()
    export_lines(other, out2)
    assert out2.getvalue() == out.getvalue()
