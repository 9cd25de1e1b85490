"""One head again: the six feature branches (harvest, search, community, mail, web, FTS trigger) meet here, so a new
migration has a single parent (down_revision = "0009").

Revision ID: 0009
"""

revision = "0009"
down_revision = ("0002", "0004", "0005", "0006", "0007", "0008")
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
