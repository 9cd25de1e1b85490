"""Papers, their categories, daily-list entries, users; full-text index on title, abstract and authors.

Later features add their tables in migrations of their own that revise this one (each is its own branch, so
independent features never fight over the chain; `upgrade heads` applies them all).

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "papers",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("arxiv_id", sa.String(64), nullable=False, unique=True),
        sa.Column("version", sa.Integer),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("abstract", sa.Text, nullable=False, server_default=""),
        sa.Column("authors", sa.JSON, nullable=False),
        sa.Column("authors_text", sa.Text, nullable=False, server_default=""),
        sa.Column("primary_category", sa.String(64)),
        sa.Column("categories", sa.Text, nullable=False, server_default=""),
        sa.Column("published_at", sa.DateTime),
        sa.Column("updated_at", sa.DateTime),
        sa.Column("comments", sa.Text),
        sa.Column("journal_ref", sa.Text),
        sa.Column("doi", sa.Text),
        sa.Column("report_no", sa.Text),
        sa.Column("license", sa.Text),
        sa.Column("code_url", sa.Text),
        sa.Column("project_url", sa.Text),
        sa.Column("ai_summary", sa.Text),
        sa.Column("ai_keywords", sa.JSON),
        sa.Column("imported_upvotes", sa.Integer, nullable=False, server_default="0"),
        sa.Column("imported_comments", sa.Integer, nullable=False, server_default="0"),
        sa.Column("vote_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("comment_count", sa.Integer, nullable=False, server_default="0"),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("content_hash", sa.String(40), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("modified_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_papers_published_at", "papers", ["published_at"])
    op.create_table(
        "paper_categories",
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category", sa.String(64), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
    )
    op.create_index("ix_paper_categories_category", "paper_categories", ["category", "paper_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(100), nullable=False, unique=True),
        sa.Column("display_name", sa.Text),
        sa.Column("email", sa.String(320), unique=True),
        sa.Column("role", sa.String(20), nullable=False, server_default="member"),
        sa.Column("password_hash", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("suspended_at", sa.DateTime),
    )
    op.create_table(
        "daily_entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, unique=True
        ),
        sa.Column("day", sa.Date, nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("submitter_name", sa.Text),
        sa.Column("submitter_username", sa.Text),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.Column("source", sa.String(32), nullable=False),
        sa.Column("comment", sa.Text),
    )
    op.create_index("ix_daily_entries_day", "daily_entries", ["day"])

    if op.get_bind().dialect.name == "sqlite":
        # External-content FTS5: the text lives once, in papers. New rows are indexed by store.papers in one
        # set-based INSERT per batch (a per-row AFTER INSERT trigger measured 4-5x slower in bulk imports);
        # triggers keep the index in step on updates and deletes.
        op.execute(
            "CREATE VIRTUAL TABLE papers_fts USING fts5(title, abstract, authors_text, "
            "content='papers', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        op.execute(
            "CREATE TRIGGER papers_fts_ad AFTER DELETE ON papers BEGIN "
            "INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text) "
            "VALUES ('delete', old.id, old.title, old.abstract, old.authors_text); END"
        )
        # Only text changes touch the index: vote counts and flags update without re-tokenizing.
        op.execute(
            "CREATE TRIGGER papers_fts_au AFTER UPDATE OF title, abstract, authors_text ON papers BEGIN "
            "INSERT INTO papers_fts(papers_fts, rowid, title, abstract, authors_text) "
            "VALUES ('delete', old.id, old.title, old.abstract, old.authors_text); "
            "INSERT INTO papers_fts(rowid, title, abstract, authors_text) "
            "VALUES (new.id, new.title, new.abstract, new.authors_text); END"
        )
    else:
        op.execute(
            "ALTER TABLE papers ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
            "setweight(to_tsvector('english', coalesce(abstract, '')), 'B') || "
            "setweight(to_tsvector('simple', coalesce(authors_text, '')), 'C')) STORED"
        )
        op.execute("CREATE INDEX ix_papers_search_vector ON papers USING gin (search_vector)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS papers_fts")
    op.drop_table("daily_entries")
    op.drop_table("users")
    op.drop_table("paper_categories")
    op.drop_table("papers")
