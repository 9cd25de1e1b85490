"""PostgreSQL: a log of every paper whose searchable text appeared, changed or went away, so each server process's
in-memory BM25 index (search/keyword_index.py) can catch up without scanning the table.

Unlike SQLite, PostgreSQL commits transactions in any order relative to the ids and sequence numbers they drew, so
each entry also records its transaction id: a reader applies everything its snapshot sees above the oldest
transaction still running at its last catch-up (`pg_snapshot_xmin`), and never skips a late commit. Statement-level
triggers with transition tables cost one INSERT ... SELECT per statement, so bulk imports stay fast.

Revision ID: 0017b
"""

from alembic import op

revision = "0017b"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":  # SQLite has its own log (0007): rowids come in commit order
        return
    op.execute(
        "CREATE TABLE paper_text_changes (seq BIGSERIAL PRIMARY KEY, paper_id INTEGER NOT NULL, "
        "xid xid8 NOT NULL DEFAULT pg_current_xact_id())"
    )
    op.execute("CREATE INDEX ix_paper_text_changes_xid ON paper_text_changes (xid)")
    op.execute("""
        CREATE FUNCTION dailypapers_log_text_changes() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                INSERT INTO paper_text_changes (paper_id) SELECT id FROM new_rows;
            ELSIF TG_OP = 'DELETE' THEN
                INSERT INTO paper_text_changes (paper_id) SELECT id FROM old_rows;
            ELSE
                INSERT INTO paper_text_changes (paper_id)
                SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                WHERE n.title IS DISTINCT FROM o.title OR n.abstract IS DISTINCT FROM o.abstract
                   OR n.authors_text IS DISTINCT FROM o.authors_text;
            END IF;
            RETURN NULL;
        END $$
    """)
    op.execute("CREATE TRIGGER papers_text_log_insert AFTER INSERT ON papers REFERENCING NEW TABLE AS new_rows "
               "FOR EACH STATEMENT EXECUTE FUNCTION dailypapers_log_text_changes()")
    op.execute("CREATE TRIGGER papers_text_log_update AFTER UPDATE ON papers REFERENCING OLD TABLE AS old_rows "
               "NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dailypapers_log_text_changes()")
    op.execute("CREATE TRIGGER papers_text_log_delete AFTER DELETE ON papers REFERENCING OLD TABLE AS old_rows "
               "FOR EACH STATEMENT EXECUTE FUNCTION dailypapers_log_text_changes()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in ("insert", "update", "delete"):
        op.execute(f"DROP TRIGGER IF EXISTS papers_text_log_{name} ON papers")
    op.execute("DROP FUNCTION IF EXISTS dailypapers_log_text_changes()")
    op.execute("DROP TABLE IF EXISTS paper_text_changes")
