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
    # The extractive gist (dailypapers.gist, migration 0014), apart from Hugging Face's ai_summary/ai_keywords.
    # gist_version NULL: not computed yet (or the text changed since); an older version: recompute.
    sa.Column("tldr", sa.Text),
    sa.Column("keyphrases", sa.JSON(none_as_null=True)),
    sa.Column("gist_version", sa.Integer),
    # `|key|key|` of the authors (dailypapers.authors.author_key), so an author page is one LIKE probe (0014b).
    sa.Column("author_keys", sa.Text, nullable=False, server_default=""),
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
    sa.Column("password_changed_at", sa.DateTime),  # migration 0004
    sa.Column("last_login_at", sa.DateTime),  # migration 0004
    sa.Column("email_verified_at", sa.DateTime),  # migration 0010
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

# Mail (issue 7). A subscriber needs no account; `token` (unguessable) authorizes confirm/unsubscribe links.
subscribers = sa.Table(
    "subscribers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False, unique=True),
    sa.Column("name", sa.Text),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("frequency", sa.String(10), nullable=False),
    sa.Column("topics", sa.JSON, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("token", sa.String(64), nullable=False, unique=True),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("confirmed_at", sa.DateTime),
    sa.Column("unsubscribed_at", sa.DateTime),
    sa.Column("suppressed_at", sa.DateTime),
    sa.Column("suppress_reason", sa.Text),
    sa.Column("soft_bounces", sa.Integer, nullable=False, server_default="0"),
    sa.Column("confirm_sent_at", sa.DateTime),
    sa.Index("ix_subscribers_status_frequency", "status", "frequency"),
)

# One row per (digest period, subscriber): the UNIQUE pair is what makes a digest go out at most once per period.
deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("period_key", sa.String(32), nullable=False),
    sa.Column("subscriber_id", sa.Integer, sa.ForeignKey("subscribers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("message_id", sa.String(255), nullable=False),
    sa.Column("subject", sa.Text),
    sa.Column("paper_ids", sa.JSON),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    sa.Column("claimed_by", sa.String(128)),
    sa.Column("claimed_until", sa.DateTime),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("sent_at", sa.DateTime),
    sa.UniqueConstraint("period_key", "subscriber_id", name="uq_deliveries_period_subscriber"),
    sa.Index("ix_deliveries_status_period", "status", "period_key"),
    sa.Index("ix_deliveries_subscriber", "subscriber_id", "id"),
)

# Bounces and complaints as the webhook reported them (what the admin page shows next to deliveries).
mail_events = sa.Table(
    "mail_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("email", sa.String(320), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("detail", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
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

# Harvesting (issue 3): where each OAI-PMH set's harvest stands, a log of sync runs, and arXiv's announcements.
harvest_checkpoints = sa.Table(
    "harvest_checkpoints",
    metadata,
    sa.Column("set_spec", sa.String(64), primary_key=True),
    sa.Column("metadata_prefix", sa.String(32), nullable=False),
    sa.Column("from_date", sa.Date),  # start of the chain in progress (or of the last one)
    sa.Column("token", sa.Text),  # resumption token of the next page; NULL when no chain is in progress
    sa.Column("cursor", sa.Integer),
    sa.Column("complete_size", sa.Integer),
    sa.Column("chain_max_datestamp", sa.Date),
    sa.Column("harvested_through", sa.Date),  # last datestamp of the last complete chain: next `from`
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

harvest_runs = sa.Table(
    "harvest_runs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("trigger", sa.String(16), nullable=False),  # cli, serve
    sa.Column("backfill", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("status", sa.String(16), nullable=False),  # running, ok, failed, interrupted
    sa.Column("started_at", sa.DateTime, nullable=False),
    sa.Column("heartbeat_at", sa.DateTime, nullable=False),
    sa.Column("finished_at", sa.DateTime),
    sa.Column("host", sa.String(255)),
    sa.Column("pid", sa.Integer),
    sa.Column("pages", sa.Integer, nullable=False, server_default="0"),
    sa.Column("records", sa.Integer, nullable=False, server_default="0"),
    sa.Column("records_total", sa.Integer),
    sa.Column("papers_new", sa.Integer, nullable=False, server_default="0"),
    sa.Column("papers_updated", sa.Integer, nullable=False, server_default="0"),
    sa.Column("deleted", sa.Integer, nullable=False, server_default="0"),
    sa.Column("announced", sa.Integer, nullable=False, server_default="0"),
    sa.Column("daily_added", sa.Integer, nullable=False, server_default="0"),
    sa.Column("error", sa.Text),
    sa.Index("ix_harvest_runs_started_at", "started_at"),
)

arxiv_announcements = sa.Table(
    "arxiv_announcements",
    metadata,
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("announce_type", sa.String(16), nullable=False),  # new, cross, replace, replace-cross
    sa.Column("announced_at", sa.DateTime, nullable=False),
    sa.Index("ix_arxiv_announcements_day", "day", "announce_type"),
)

# --- community (migration 0004) ---------------------------------------------------------------------------------
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


# Authorship claims (issue 17, migration 0014c): a user says "I am this author of this paper"; a moderator decides.
author_claims = sa.Table(
    "author_claims",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("author_name", sa.Text, nullable=False),  # as written on the paper
    sa.Column("author_key", sa.Text, nullable=False),  # dailypapers.authors.author_key of it
    sa.Column("status", sa.String(16), nullable=False),  # pending, approved, rejected
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("decided_at", sa.DateTime),
    sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.UniqueConstraint("user_id", "paper_id", name="uq_author_claims_user_paper"),
    sa.Index("ix_author_claims_status", "status", "id"),
    sa.Index("ix_author_claims_key", "author_key", "status"),
)

# --- account email verification (migration 0010) ----------------------------------------------------------------
# An account proves it owns its address before anything tied to that address (a digest subscription) is its own.

email_verifications = sa.Table(
    "email_verifications",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("email", sa.String(320), nullable=False),  # the address mailed: a later email change voids the link
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("used_at", sa.DateTime),
    sa.Index("ix_email_verifications_user_id", "user_id"),
)

# --- personal library (migration 0015) ----------------------------------------------------------------------------
library_items = sa.Table(
    "library_items",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("saved_at", sa.DateTime, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_library_items"),
    sa.Index("ix_library_items_user_saved", "user_id", "saved_at"),
)

library_tags = sa.Table(
    "library_tags",
    metadata,
    sa.Column("user_id", sa.Integer, nullable=False),
    sa.Column("paper_id", sa.Integer, nullable=False),
    sa.Column("tag", sa.String(64), nullable=False),
    sa.PrimaryKeyConstraint("user_id", "paper_id", "tag", name="pk_library_tags"),
    sa.ForeignKeyConstraint(["user_id", "paper_id"], ["library_items.user_id", "library_items.paper_id"],
                            ondelete="CASCADE", name="fk_library_tags_item"),
    sa.Index("ix_library_tags_user_tag", "user_id", "tag"),
)

not_interested = sa.Table(
    "not_interested",
    metadata,
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_not_interested"),
)

# --- reading lists (migration 0015b) ------------------------------------------------------------------------------
reading_lists = sa.Table(
    "reading_lists",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("description", sa.Text, nullable=False, server_default=""),
    sa.Column("visibility", sa.String(10), nullable=False),  # private, unlisted, public
    sa.Column("share_key", sa.String(64), nullable=False, unique=True),  # the unlisted link's secret
    sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

reading_list_owners = sa.Table(
    "reading_list_owners",
    metadata,
    sa.Column("list_id", sa.Integer, sa.ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.PrimaryKeyConstraint("list_id", "user_id", name="pk_reading_list_owners"),
    sa.Index("ix_reading_list_owners_user", "user_id"),
)

reading_list_items = sa.Table(
    "reading_list_items",
    metadata,
    sa.Column("list_id", sa.Integer, sa.ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
    sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("note", sa.Text, nullable=False, server_default=""),
    sa.Column("added_at", sa.DateTime, nullable=False),
    sa.PrimaryKeyConstraint("list_id", "paper_id", name="pk_reading_list_items"),
)

# Background jobs (issue 15): who runs each recurring job, and shared request clocks (epoch seconds).
job_leases = sa.Table(
    "job_leases",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("holder", sa.String(200), nullable=False, server_default=""),
    sa.Column("acquired_at", sa.Float, nullable=False, server_default="0"),
    sa.Column("expires_at", sa.Float, nullable=False, server_default="0"),
)

shared_clocks = sa.Table(
    "shared_clocks",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("last_end", sa.Float, nullable=False, server_default="0"),
    sa.Column("in_flight_until", sa.Float, nullable=False, server_default="0"),
    sa.Column("holder", sa.String(200), nullable=False, server_default=""),
)
