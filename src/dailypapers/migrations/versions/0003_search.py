"""Search: paper vectors (pgvector on PostgreSQL when available, raw float32 bytes otherwise) and a vocabulary view
of the SQLite full-text index.

A vector is dropped by trigger as soon as its paper's title or abstract changes, so a stale vector can never be
searched; `dailypapers index` (or the serve worker) computes the new one.

Revision ID: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = ("search",)
depends_on = None


def _pgvector_available(bind) -> bool:
    try:
        with bind.begin_nested():
            bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
        return True
    except sa.exc.DBAPIError:
        return False


def upgrade() -> None:
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    vector_type: type[sa.LargeBinary] | None = sa.LargeBinary
    if postgres and _pgvector_available(bind):
        vector_type = None  # added below with raw DDL: SQLAlchemy has no pgvector type without another package
    columns: list[sa.schema.SchemaItem] = [
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("model", sa.String(200), nullable=False),
        # Increases with every write: an in-process index catches up by reading rows above the last seq it saw.
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    ]
    if vector_type is not None:
        columns.append(sa.Column("embedding", vector_type, nullable=False))
    op.create_table("paper_vectors", *columns)
    op.create_index("ix_paper_vectors_seq", "paper_vectors", ["seq"])
    if vector_type is None:
        op.execute("ALTER TABLE paper_vectors ADD COLUMN embedding vector NOT NULL")

    # Deletions of vectors are counted, so an in-process index sees them without scanning the table.
    op.create_table(
        "search_state",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO search_state (key, value) VALUES ('vector_deletes', 0)")
    # A pasted title goes first: look it up by index (prefix only, so a huge title cannot overflow a btree entry).
    op.execute("CREATE INDEX ix_papers_title_lower ON papers (lower(substr(title, 1, 200)))")
    if postgres:
        op.execute(
            "CREATE FUNCTION dailypapers_drop_stale_vector() RETURNS trigger AS $$ BEGIN "
            "DELETE FROM paper_vectors WHERE paper_id = NEW.id; RETURN NEW; END $$ LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER papers_vector_stale AFTER UPDATE OF title, abstract ON papers FOR EACH ROW "
            "WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.abstract IS DISTINCT FROM NEW.abstract) "
            "EXECUTE FUNCTION dailypapers_drop_stale_vector()"
        )
        op.execute(
            "CREATE FUNCTION dailypapers_count_vector_delete() RETURNS trigger AS $$ BEGIN "
            "UPDATE search_state SET value = value + 1 WHERE key = 'vector_deletes'; RETURN OLD; END $$ "
            "LANGUAGE plpgsql"
        )
        op.execute(
            "CREATE TRIGGER paper_vectors_deleted AFTER DELETE ON paper_vectors FOR EACH ROW "
            "EXECUTE FUNCTION dailypapers_count_vector_delete()"
        )
    else:
        op.execute(
            "CREATE TRIGGER papers_vector_stale AFTER UPDATE OF title, abstract ON papers "
            "WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract BEGIN "
            "DELETE FROM paper_vectors WHERE paper_id = new.id; END"
        )
        op.execute(
            "CREATE TRIGGER paper_vectors_deleted AFTER DELETE ON paper_vectors BEGIN "
            "UPDATE search_state SET value = value + 1 WHERE key = 'vector_deletes'; END"
        )
        # Document frequencies of indexed terms, read to leave very common words out of OR queries (speed).
        op.execute("CREATE VIRTUAL TABLE papers_fts_vocab USING fts5vocab(papers_fts, row)")


def downgrade() -> None:
    bind = op.get_bind()
    op.execute("DROP INDEX IF EXISTS ix_papers_title_lower")
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS papers_vector_stale ON papers")
        op.execute("DROP TRIGGER IF EXISTS paper_vectors_deleted ON paper_vectors")
        op.execute("DROP FUNCTION IF EXISTS dailypapers_drop_stale_vector()")
        op.execute("DROP FUNCTION IF EXISTS dailypapers_count_vector_delete()")
    else:
        op.execute("DROP TRIGGER IF EXISTS papers_vector_stale")
        op.execute("DROP TRIGGER IF EXISTS paper_vectors_deleted")
        op.execute("DROP TABLE IF EXISTS papers_fts_vocab")
    op.drop_table("paper_vectors")
    op.drop_table("search_state")
