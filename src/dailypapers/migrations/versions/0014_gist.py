"""Each paper's extractive TL;DR and keyphrases (issue 17), kept apart from Hugging Face's ai_summary/ai_keywords.

Existing papers get NULLs; `dailypapers gist` (or `serve` in the background) fills them.

Revision ID: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN on both databases: no table rebuild, so SQLite's full-text triggers on papers stay.
    op.add_column("papers", sa.Column("tldr", sa.Text))
    op.add_column("papers", sa.Column("keyphrases", sa.JSON))
    op.add_column("papers", sa.Column("gist_version", sa.Integer))


def downgrade() -> None:
    for name in ("gist_version", "keyphrases", "tldr"):  # SQLite >= 3.35 drops columns in place
        op.drop_column("papers", name)
