"""Personal library (issue 14): saved papers with a private note, their tags, and "not interested" marks.

Revision ID: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0010"  # after the security issue's email verification (one head)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "library_items",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("saved_at", sa.DateTime, nullable=False),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_library_items"),
        sa.Index("ix_library_items_user_saved", "user_id", "saved_at"),
    )
    op.create_table(
        "library_tags",
        sa.Column("user_id", sa.Integer, nullable=False),
        sa.Column("paper_id", sa.Integer, nullable=False),
        sa.Column("tag", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "paper_id", "tag", name="pk_library_tags"),
        sa.ForeignKeyConstraint(["user_id", "paper_id"], ["library_items.user_id", "library_items.paper_id"],
                                ondelete="CASCADE", name="fk_library_tags_item"),
        sa.Index("ix_library_tags_user_tag", "user_id", "tag"),
    )
    op.create_table(
        "not_interested",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.PrimaryKeyConstraint("user_id", "paper_id", name="pk_not_interested"),
    )


def downgrade() -> None:
    op.drop_table("not_interested")
    op.drop_table("library_tags")
    op.drop_table("library_items")
