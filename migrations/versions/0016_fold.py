"""corps health folded period by period; hires in the activity rollups

Per-unit figures of who shared per period (activity_unit_periods), so the corps-health page
can fold its over-time tables by each period's blocks; and a hires column next to
applications in the person, unit and scope rollups.

Revision ID: 0016_fold
Revises: 0015_accessibility
Create Date: 2026-12-02 04:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0016_fold"
down_revision = "0015_accessibility"
branch_labels = None
depends_on = None

HIRES = ("activity_person_months", "activity_unit_months", "activity_scope_activity")


def upgrade():
    op.create_table(
        "activity_unit_periods",
        sa.Column("unit_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("size", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("period", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("active", sa.Integer(), nullable=False),
        sa.Column("leaders", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("unit_id", "size", "period",
                                name=op.f("pk_activity_unit_periods")),
    )
    for table in HIRES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("hires", sa.Integer(), server_default="0",
                                          nullable=False))
    # The dashboard tables are rebuilt on the next rollup run (dashboards.VERSION changed).


def downgrade():
    for table in HIRES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("hires")
    op.drop_table("activity_unit_periods")
