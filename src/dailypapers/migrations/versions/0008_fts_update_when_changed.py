"""SQLite: the full-text update trigger fires only when title, abstract or authors really change.

`AFTER UPDATE OF title, abstract, authors_text` fires whenever an UPDATE names those columns, even with the same
values, and re-tokenizes the row: every upvote-count update from a Hugging Face import did. The WHEN clause keeps
the index exactly as before and skips the work, for every writer rather than only the importer.

Revision ID: 0008
"""

from alembic import op

revision = "0008"
down_revision = "0001"
branch_labels = None
depends_on = None

_BODY = (
    "INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text) "
    "VALUES ('delete', old.id, old.title, old.abstract, old.authors_text); "
    "INSERT INTO papers_fts(rowid, title, abstract, authors_text) "
    "VALUES (new.id, new.title, new.abstract, new.authors_text); END"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":  # PostgreSQL's search column is generated
        return
    op.execute("DROP TRIGGER IF EXISTS papers_fts_au")
    op.execute(
        "CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, abstract, authors_text ON papers "
        "WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract "
        "OR old.authors_text IS NOT new.authors_text BEGIN " + _BODY
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER IF EXISTS papers_fts_au")
    op.execute("CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, abstract, authors_text ON papers BEGIN " + _BODY)
