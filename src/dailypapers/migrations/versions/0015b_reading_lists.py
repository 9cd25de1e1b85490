"""Reading lists (issue 14): named, ordered lists of papers with a note each; private, unlisted or public; several
owners; moderators can hide a public one.

Revision ID: 0015b
"""

import sqlalchemy as sa
from alembic import op

revision = "0015b"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reading_lists",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False, server_default=""),
        sa.Column("visibility", sa.String(10), nullable=False),
        sa.Column("share_key", sa.String(64), nullable=False, unique=True),
        sa.Column("hidden", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "reading_list_owners",
        sa.Column("list_id", sa.Integer, sa.ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.PrimaryKeyConstraint("list_id", "user_id", name="pk_reading_list_owners"),
        sa.Index("ix_reading_list_owners_user", "user_id"),
    )
    op.create_table(
        "reading_list_items",
        sa.Column("list_id", sa.Integer, sa.ForeignKey("reading_lists.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("list_id", "paper_id", name="pk_reading_list_items"),
    )


def downgrade() -> None:
    op.drop_table("reading_list_items")
    op.drop_table("reading_list_owners")
    op.drop_table("reading_lists")
