"""reconcile privacy with the activity rollups: drop anonymous_totals

The anonymous unit rollups of 0005 (activity_unit_months, activity_unit_dim_months) now carry
the totals that outlive pruned raw rows and erased people, so the interim table of 0006 goes.

Issue 6's retention job deleted raw clicks older than the retention setting (folding them
into anonymous_totals). Where it ran, the months it pruned must not be recomputed by a full
rebuild from what is left, so activity_rollup_state.pruned_before is moved past them. Months
here are UTC ("YYYY-MM"); one month of margin covers the organisation's time zone.

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-24 09:00:00

"""
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def _month_number(moment: datetime) -> int:
    return moment.year * 12 + moment.month - 1


def upgrade():
    conn = op.get_bind()
    pruned = conn.execute(sa.text(
        "SELECT count(*) FROM anonymous_totals WHERE clicks > 0 OR bot_clicks > 0"
    )).scalar()
    if pruned:
        days = conn.execute(sa.text("SELECT max(retention_days) FROM programmes")).scalar()
        cutoff = datetime.now(UTC) - timedelta(days=days or 90)
        pruned_before = _month_number(cutoff) + 2
        state = sa.table('activity_rollup_state', sa.column('name', sa.String),
                         sa.column('value', sa.BigInteger))
        current = conn.execute(sa.select(state.c.value).where(
            state.c.name == 'pruned_before')).scalar()
        if current is None:
            op.bulk_insert(state, [{'name': 'pruned_before', 'value': pruned_before}])
        elif current < pruned_before:
            conn.execute(state.update().where(state.c.name == 'pruned_before')
                         .values(value=pruned_before))
    op.drop_table('anonymous_totals')


def downgrade():
    op.create_table('anonymous_totals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.String(length=7), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('network', sa.String(length=20), nullable=False),
    sa.Column('shares', sa.Integer(), nullable=False),
    sa.Column('clicks', sa.Integer(), nullable=False),
    sa.Column('bot_clicks', sa.Integer(), nullable=False),
    sa.Column('repeat_clicks', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_anonymous_totals_unit_id_units'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_anonymous_totals')),
    sa.UniqueConstraint('month', 'unit_id', 'network', name=op.f('uq_anonymous_totals_month'))
    )
