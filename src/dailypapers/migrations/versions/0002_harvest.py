"""Harvesting: OAI-PMH checkpoints per set, the sync run log, arXiv's daily announcements.

Revision ID: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = ("harvest",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "harvest_checkpoints",
        sa.Column("set_spec", sa.String(64), primary_key=True),
        sa.Column("metadata_prefix", sa.String(32), nullable=False),
        sa.Column("from_date", sa.Date),
        sa.Column("token", sa.Text),
        sa.Column("cursor", sa.Integer),
        sa.Column("complete_size", sa.Integer),
        sa.Column("chain_max_datestamp", sa.Date),
        sa.Column("harvested_through", sa.Date),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "harvest_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trigger", sa.String(16), nullable=False),
        sa.Column("backfill", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("status", sa.String(16), nullable=False),
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
    )
    op.create_index("ix_harvest_runs_started_at", "harvest_runs", ["started_at"])
    op.create_table(
        "arxiv_announcements",
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("day", sa.Date, primary_key=True),
        sa.Column("announce_type", sa.String(16), nullable=False),
        sa.Column("announced_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_arxiv_announcements_day", "arxiv_announcements", ["day", "announce_type"])


def downgrade() -> None:
    op.drop_index("ix_arxiv_announcements_day", "arxiv_announcements")
    op.drop_table("arxiv_announcements")
    op.drop_index("ix_harvest_runs_started_at", "harvest_runs")
    op.drop_table("harvest_runs")
    op.drop_table("harvest_checkpoints")
