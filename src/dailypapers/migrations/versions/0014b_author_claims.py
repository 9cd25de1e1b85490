"""Authors as people (issue 17): each paper's normalized author keys for author pages, and authorship claims.

Revision ID: 0014b
"""

import json

import sqlalchemy as sa
from alembic import op

from dailypapers.authors import authors_index

revision = "0014b"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("papers", sa.Column("author_keys", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    last = 0
    while True:  # existing papers, in keyset batches so memory stays flat
        rows = conn.execute(sa.text("SELECT id, authors FROM papers WHERE id > :last ORDER BY id LIMIT 5000"),
                            {"last": last}).all()
        if not rows:
            break
        values = [{"k": authors_index(a if isinstance(a, list) else json.loads(a or "[]")), "i": i} for i, a in rows]
        conn.execute(sa.text("UPDATE papers SET author_keys = :k WHERE id = :i"), values)
        last = rows[-1][0]
    op.create_table(
        "author_claims",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("paper_id", sa.Integer, sa.ForeignKey("papers.id", ondelete="CASCADE"), nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),  # pending, approved, rejected
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("users.id", ondelete="SET NULL")),
        sa.UniqueConstraint("user_id", "paper_id", name="uq_author_claims_user_paper"),
    )
    op.create_index("ix_author_claims_status", "author_claims", ["status", "id"])


def downgrade() -> None:
    op.drop_index("ix_author_claims_status", table_name="author_claims")
    op.drop_table("author_claims")
    op.drop_column("papers", "author_keys")
