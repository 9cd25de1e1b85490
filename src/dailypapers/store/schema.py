"""Table definitions (SQLAlchemy Core). Migrations under dailypapers/migrations create them; this module is
what queries are written against. Times are naive UTC."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

papers = sa.Table(
    "papers",
    metadata,
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
    # Community counters, kept in step with their rows in the same transaction (lists read them, never COUNT).
    sa.Column("vote_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("comment_count", sa.Integer, nullable=False, server_default="0"),
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("content_hash", sa.String(40), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("modified_at", sa.DateTime, nullable=False),
    sa.Index("ix_papers_published_at", "published_at"),
)

paper_categories = sa.Table(
    "paper_categories",
    metadata,
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("category", sa.String(64), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Index("ix_paper_categories_category", "category", "paper_id"),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("username", sa.String(100), nullable=False, unique=True),
    sa.Column("display_name", sa.Text),
    sa.Column("email", sa.String(320), unique=True),
    sa.Column("role", sa.String(20), nullable=False, server_default="member"),
    sa.Column("password_hash", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("suspended_at", sa.DateTime),
)

daily_entries = sa.Table(
    "daily_entries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    # A paper is featured at most once: the submission rule "not already on a daily list" rests on this.
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False, unique=True),
    sa.Column("day", sa.Date, nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=False),
    sa.Column("submitter_name", sa.Text),
    sa.Column("submitter_username", sa.Text),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("source", sa.String(32), nullable=False),
    sa.Column("comment", sa.Text),
    sa.Index("ix_daily_entries_day", "day"),
    sa.Index("ix_daily_entries_submitted_at", "submitted_at"),  # 0006 (web)
    sa.Index("ix_daily_entries_submitter", "submitter_username", "day"),  # 0006 (web)
)

# Search (migration 0003). `embedding` is a pgvector `vector` on PostgreSQL when the extension is available, raw
# little-endian float32 bytes otherwise; store.vectors reads and writes both.
paper_vectors = sa.Table(
    "paper_vectors",
    metadata,
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("seq", sa.BigInteger, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("embedding", sa.LargeBinary, nullable=False),
    sa.Index("ix_paper_vectors_seq", "seq"),
)

search_state = sa.Table(
    "search_state",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)

# --- community (migration 0004) ---------------------------------------------------------------------------------
users.append_column(sa.Column("password_changed_at", sa.DateTime))
users.append_column(sa.Column("last_login_at", sa.DateTime))

sessions = sa.Table(
    "sessions",
    metadata,
    # Only a hash of the cookie value is stored: a leaked database does not hand out live sessions.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_seen_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("ip", sa.String(64)),
    sa.Column("user_agent", sa.Text),
    sa.Index("ix_sessions_user_id", "user_id"),
)

api_tokens = sa.Table(
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("name", sa.String(100), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("prefix", sa.String(16), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("last_used_at", sa.DateTime),
    sa.Column("revoked_at", sa.DateTime),
    sa.Index("ix_api_tokens_user_id", "user_id"),
)

password_resets = sa.Table(
    "password_resets",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime),
)

votes = sa.Table(
    "votes",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # One vote per account per paper is the primary key: the database, not Python, refuses a second one.
    sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_votes"),
    sa.Index("ix_votes_paper_id", "paper_id"),
)

comments = sa.Table(
    "comments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("parent_id", sa.Integer, sa.ForeignKey("comments.id", ondelete="CASCADE")),
    sa.Column("body_md", sa.Text, nullable=False),
    sa.Column("body_html", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("edited_at", sa.DateTime),
    sa.Column("deleted_at", sa.DateTime),
    sa.Column("deleted_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Index("ix_comments_paper_id", "paper_id", "created_at"),
    sa.Index("ix_comments_user_id", "user_id", "created_at"),
)

moderation_log = sa.Table(
    "moderation_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("moderator_id", sa.Integer),
    sa.Column("moderator_username", sa.String(100), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("target_type", sa.String(16), nullable=False),
    sa.Column("target_id", sa.String(64), nullable=False),
    sa.Column("target_label", sa.Text),
    sa.Column("reason", sa.Text, nullable=False, server_default=""),
)

rate_limits = sa.Table(
    "rate_limits",
    metadata,
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("window_start", sa.BigInteger, nullable=False),
    sa.Column("count", sa.Integer, nullable=False),
    sa.PrimaryKeyConstraint("key", "window_start", name="pk_rate_limits"),
)
