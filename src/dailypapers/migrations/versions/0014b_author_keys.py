"""Authors as people (issue 17): each paper's normalized author keys, so an author page is one LIKE probe.

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


def downgrade() -> None:
    op.drop_column("papers", "author_keys")
