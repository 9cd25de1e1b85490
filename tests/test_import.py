import gzip
import io
import json

from dailypapers.ingest.export import export_lines
from dailypapers.ingest.importer import import_files
from dailypapers.store import daily as daily_store
from dailypapers.store.listing import ListFilter, Period, list_entries
from dailypapers.store.papers import count_papers, get_paper
from tests.factories import hf_item, kaggle_line, write_jsonl


def _export(db) -> str:
    out = io.StringIO()
    export_lines(db, out)
    return out.getvalue()


def test_kaggle_line_is_normalized(db, tmp_path):
    f = write_jsonl(tmp_path / "k.jsonl", [kaggle_line("2501.00001v2", versions=2)])
    s = import_files(db, [f])
    assert (s.papers.new, s.papers.updated, s.rejected) == (1, 0, [])
    with db.connect() as conn:
        p = get_paper(conn, "2501.00001")
    assert p["version"] == 2
    assert p["authors"] == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert p["categories"] == "cs.CL cs.LG" and p["primary_category"] == "cs.CL"
    assert p["abstract"] == "We study things at length."
    assert p["code_url"] == "https://github.com/example/repo"
    assert p["published_at"].isoformat() == "2025-01-06T10:00:00"
    assert p["updated_at"].isoformat() == "2025-01-07T10:00:00"


def test_hf_array_creates_paper_and_daily_entry(db, tmp_path):
    f = tmp_path / "hf.json"
    f.write_text(json.dumps([hf_item("2501.00002"), hf_item("2501.00003", upvotes=3, day="2025-01-09")], indent=2))
    s = import_files(db, [f])
    assert (s.papers.new, s.daily_new) == (2, 2)
    with db.connect() as conn:
        p = get_paper(conn, "2501.00002")
        rows = list_entries(conn, ListFilter(Period.day(__import__("datetime").date(2025, 1, 8)))).rows
    assert p["title"] == "An HF Paper"
    assert p["imported_upvotes"] == 7 and p["imported_comments"] == 2
    assert p["ai_keywords"] == ["things", "stuff"]
    assert p["code_url"] == "https://github.com/hf/code"
    assert p["project_url"] == "https://hf.github.io/page"
    assert [r["arxiv_id"] for r in rows] == ["2501.00002"]
    assert rows[0]["submitter_name"] == "Sub Mitter"
    assert rows[0]["submitted_at"].isoformat() == "2025-01-08T06:12:00"


def test_daily_day_falls_back_to_item_published_at(db, tmp_path):
    item = hf_item("2501.00004", day="2025-02-01")
    del item["paper"]["submittedOnDailyAt"]
    import_files(db, [write_jsonl(tmp_path / "hf.jsonl", [item])])
    with db.connect() as conn:
        p = get_paper(conn, "2501.00004")
        entry = daily_store.daily_entry_for(conn, p["id"])
    assert entry["day"].isoformat() == "2025-02-01"


def test_second_import_changes_nothing_and_newer_version_replaces(db, tmp_path):
    f = write_jsonl(tmp_path / "a.jsonl.gz", [kaggle_line("2501.00001"), hf_item("2501.00001")], gz=True)
    first = import_files(db, [f])
    assert first.papers.new == 1
    again = import_files(db, [f])
    assert (again.papers.new, again.papers.updated, again.papers.unchanged) == (0, 0, 2)
    newer = write_jsonl(tmp_path / "b.jsonl", [kaggle_line("2501.00001", versions=3, title="Renamed")])
    s = import_files(db, [newer])
    assert s.papers.updated == 1
    older = write_jsonl(tmp_path / "c.jsonl", [kaggle_line("2501.00001", versions=1, title="Old title")])
    s = import_files(db, [older])
    assert s.papers.unchanged == 1
    with db.connect() as conn:
        p = get_paper(conn, "2501.00001")
    assert (p["version"], p["title"]) == (3, "Renamed")
    assert p["ai_summary"] == "It does things."  # the HF-only field survives the arXiv update


def test_malformed_lines_are_named_and_good_lines_imported(db, tmp_path):
    good = [kaggle_line(f"2501.0001{i}") for i in range(5)]
    bad_field = kaggle_line("2501.00099")
    del bad_field["categories"]
    f = write_jsonl(
        tmp_path / "mixed.jsonl",
        good + [bad_field, {"id": "not-an-id", "abstract": "x", "categories": "cs.AI", "title": "t"}],
        raw_lines={3: "{not json", 5: '["a list"]'},
    )
    s = import_files(db, [f])
    assert s.papers.new == 5
    reasons = {r.line: r.reason for r in s.rejected}
    assert set(reasons) == {3, 5, 8, 9}
    assert "invalid JSON" in reasons[3]
    assert "expected a JSON object" in reasons[5]
    assert "'categories'" in reasons[8]
    assert "'id'" in reasons[9] and "not-an-id" in reasons[9]
    assert all(r.file == str(f) for r in s.rejected)


def test_truncated_gzip_is_a_file_error_and_keeps_stored_data(db, tmp_path):
    import_files(db, [write_jsonl(tmp_path / "ok.jsonl", [kaggle_line("2401.00001")])])
    data = gzip.compress(("\n".join(json.dumps(kaggle_line(f"2502.{i:05d}")) for i in range(3000)) + "\n").encode())
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(data[: len(data) // 2])
    s = import_files(db, [cut, tmp_path / "missing.jsonl"], batch_size=500)
    assert len(s.file_errors) == 2
    assert "cut.jsonl.gz: compressed file is truncated" in s.file_errors[0]
    assert "missing.jsonl: no such file" in s.file_errors[1]
    with db.connect() as conn:
        assert get_paper(conn, "2401.00001") is not None
        stored = count_papers(conn)
    assert 1 < stored <= 3001


def test_export_reimports_losslessly(db, tmp_path, settings):
    import_files(db, [write_jsonl(tmp_path / "a.jsonl", [kaggle_line("2501.00001", versions=2), hf_item("2501.00002"),
                                                          kaggle_line("hep-th/9901001")])])
    first = _export(db)
    dump = tmp_path / "dump.jsonl"
    dump.write_text(first)
    from dailypapers.store.db import Database

    other = Database(settings.replace(database_url=f"sqlite:///{tmp_path / 'other.db'}"))
    other.upgrade()
    s = import_files(other, [dump])
    assert (s.papers.new, s.daily_new, s.rejected) == (3, 1, [])
    assert _export(other) == first
    again = import_files(other, [dump])
    assert (again.papers.new, again.papers.updated) == (0, 0)
