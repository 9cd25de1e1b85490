"""Job leases and shared clocks, so several server processes and hosts on one database run each background job once
and keep arXiv's request spacing together.

`job_leases`: one row per recurring job; the process whose `holder` it names runs the job until `expires_at` (epoch
seconds), renewing it while alive. `shared_clocks`: when the last request to a rate-limited service (arXiv) ended,
and until when one is in flight.

Revision ID: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "job_leases",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("holder", sa.String(200), nullable=False, server_default=""),
        sa.Column("acquired_at", sa.Float, nullable=False, server_default="0"),
        sa.Column("expires_at", sa.Float, nullable=False, server_default="0"),
    )
    op.create_table(
        "shared_clocks",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("last_end", sa.Float, nullable=False, server_default="0"),
        sa.Column("in_flight_until", sa.Float, nullable=False, server_default="0"),
        sa.Column("holder", sa.String(200), nullable=False, server_default=""),
    )


def downgrade() -> None:
    op.drop_table("shared_clocks")
    op.drop_table("job_leases")
