"""One head again: paper gists and authors (0014c), the library and reading lists (0015b) and background-job leases
with PostgreSQL's text-change log (0017b) meet here, so the next migration has a single parent.

Revision ID: 0018
"""

revision = "0018"
down_revision = ("0014c", "0015b", "0017b")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
