"""Authorship claims (issue 17): a user says "I am this author of this paper"; a moderator approves or rejects.

Revision ID: 0014c
"""

import sqlalchemy as sa
from alembic import op

revision = "0014c"
down_revision = "0014b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "author_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("author_key", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.UniqueConstraint("user_id", "paper_id", name="uq_author_claims_user_paper"),
    )
    op.create_index("ix_author_claims_status", "author_claims", ["status", "id"])
    op.create_index("ix_author_claims_key", "author_claims", ["author_key", "status"])


def downgrade() -> None:
    op.drop_index("ix_author_claims_key", table_name="author_claims")
    op.drop_index("ix_author_claims_status", table_name="author_claims")
    op.drop_table("author_claims")
