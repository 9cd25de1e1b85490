"""Indexes behind the list pages and the JSON API: newest-first daily lists and the submitter filter.

Revision ID: 0006
"""

from alembic import op

revision = "0006"
down_revision = "0001"
branch_labels = ("web",)
depends_on = None


def upgrade() -> None:
    op.create_index("ix_daily_entries_submitted_at", "daily_entries", ["submitted_at"])
    op.create_index("ix_daily_entries_submitter", "daily_entries", ["submitter_username", "day"])


def downgrade() -> None:
    op.drop_index("ix_daily_entries_submitter", table_name="daily_entries")
    op.drop_index("ix_daily_entries_submitted_at", table_name="daily_entries")
