"""A log of papers whose searchable text changed or that were deleted (SQLite only), so the in-process BM25 index
(search/keyword_index.py) can catch up without scanning the table. New papers need no entry: SQLite assigns rowids
in commit order (writes are serialised), so "id above the last one seen" finds them. Inserts write nothing here,
which keeps bulk imports at full speed; updates of title/abstract/authors are rare.

Revision ID: 0007
"""

from alembic import op

revision = "0007"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # PostgreSQL ranks inside the database: nothing to catch up
        return
    op.execute(
        "CREATE TABLE paper_text_changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, paper_id INTEGER NOT NULL)"
    )
    op.execute(
        "CREATE TRIGGER papers_text_changed AFTER UPDATE OF title, abstract, authors_text ON papers "
        "WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract "
        "OR old.authors_text IS NOT new.authors_text BEGIN "
        "INSERT INTO paper_text_changes (paper_id) VALUES (new.id); END"
    )
    op.execute(
        "CREATE TRIGGER papers_text_deleted AFTER DELETE ON papers BEGIN "
        "INSERT INTO paper_text_changes (paper_id) VALUES (old.id); END"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS papers_text_deleted")
    op.execute("DROP TRIGGER IF EXISTS papers_text_changed")
    op.execute("DROP TABLE IF EXISTS paper_text_changes")
