"""clicks: a click id for idempotent inserts; monthly partitions on PostgreSQL

``clicks.click_id`` (made by the redirect) with a unique constraint on (click_id, created_at)
lets the click drain replay a batch without inserting anything twice.

On PostgreSQL the raw record becomes partitioned (see advocacy/activity/partitions.py):
``clicks`` by RANGE (created_at) per UTC month, ``activity_events`` by LIST (kind) into the
kept share events and the other events, which are partitioned by month. Primary keys then
include the partition keys. Existing rows are copied; the id sequences are kept. SQLite is
unchanged apart from the new column.

Revision ID: 0012_clicks
Revises: 0010_sessions
Create Date: 2026-12-02 01:30:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012_clicks'
down_revision = "0010_sessions"
branch_labels = None
depends_on = None

AHEAD = 3


def _months(conn, table, column):
    low, = conn.execute(sa.text(f"SELECT min({column}) FROM {table}")).one()
    now = datetime.now(UTC)
    first = low.astimezone(UTC) if low is not None else now
    m = first.year * 12 + first.month - 1
    last = now.year * 12 + now.month - 1 + AHEAD
    while m <= last:
        yield m // 12, m % 12 + 1
        m += 1


def _bounds(year, month):
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def _upgrade_postgres(conn):
    # --- clicks ---
    op.execute("ALTER TABLE clicks RENAME TO clicks_old")
    op.execute("ALTER TABLE clicks_old RENAME CONSTRAINT pk_clicks TO pk_clicks_old")
    op.execute("ALTER TABLE clicks_old RENAME CONSTRAINT fk_clicks_share_id_shares "
               "TO fk_clicks_old_share_id_shares")
    op.execute("ALTER TABLE clicks_old RENAME CONSTRAINT uq_clicks_click_id_created_at "
               "TO uq_clicks_old_click_id_created_at")
    op.execute("ALTER INDEX ix_clicks_share_id_created_at RENAME TO ix_clicks_old_share_id_created_at")
    op.execute("CREATE TABLE clicks (LIKE clicks_old INCLUDING DEFAULTS) PARTITION BY RANGE (created_at)")
    op.execute("ALTER TABLE clicks ADD CONSTRAINT pk_clicks PRIMARY KEY (id, created_at)")
    op.execute("ALTER TABLE clicks ADD CONSTRAINT uq_clicks_click_id_created_at "
               "UNIQUE (click_id, created_at)")
    op.execute("ALTER TABLE clicks ADD CONSTRAINT fk_clicks_share_id_shares FOREIGN KEY (share_id) "
               "REFERENCES shares (id) ON DELETE CASCADE")
    op.execute("CREATE INDEX ix_clicks_share_id_created_at ON clicks (share_id, created_at)")
    for year, month in _months(conn, "clicks_old", "created_at"):
        start, end = _bounds(year, month)
        op.execute(f"CREATE TABLE clicks_p{start:%Y%m} PARTITION OF clicks "
                   f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')")
    op.execute("CREATE TABLE clicks_pdefault PARTITION OF clicks DEFAULT")
    op.execute("INSERT INTO clicks SELECT * FROM clicks_old")
    op.execute("ALTER SEQUENCE clicks_id_seq OWNED BY clicks.id")
    op.execute("DROP TABLE clicks_old")

    # --- activity_events ---
    op.execute("ALTER TABLE activity_events RENAME TO activity_events_old")
    op.execute("ALTER TABLE activity_events_old RENAME CONSTRAINT pk_activity_events "
               "TO pk_activity_events_old")
    op.execute("ALTER TABLE activity_events_old RENAME CONSTRAINT fk_activity_events_user_id_users "
               "TO fk_activity_events_old_user_id_users")
    for index in ("ix_activity_events_kind_ref_id", "ix_activity_events_occurred_at",
                  "ix_activity_events_user_id"):
        op.execute(f"ALTER INDEX {index} RENAME TO {index.replace('events', 'events_old')}")
    op.execute("CREATE TABLE activity_events (LIKE activity_events_old INCLUDING DEFAULTS) "
               "PARTITION BY LIST (kind)")
    op.execute("ALTER TABLE activity_events ADD CONSTRAINT pk_activity_events "
               "PRIMARY KEY (id, kind, occurred_at)")
    op.execute("ALTER TABLE activity_events ADD CONSTRAINT fk_activity_events_user_id_users "
               "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL")
    op.execute("CREATE INDEX ix_activity_events_kind_ref_id ON activity_events (kind, ref_id)")
    op.execute("CREATE INDEX ix_activity_events_occurred_at ON activity_events (occurred_at)")
    op.execute("CREATE INDEX ix_activity_events_user_id ON activity_events (user_id)")
    op.execute("CREATE TABLE activity_events_shares PARTITION OF activity_events "
               "FOR VALUES IN ('share')")
    op.execute("CREATE TABLE activity_events_other PARTITION OF activity_events DEFAULT "
               "PARTITION BY RANGE (occurred_at)")
    for year, month in _months(conn, "activity_events_old", "occurred_at"):
        start, end = _bounds(year, month)
        op.execute(f"CREATE TABLE activity_events_p{start:%Y%m} PARTITION OF activity_events_other "
                   f"FOR VALUES FROM ('{start.isoformat()}') TO ('{end.isoformat()}')")
    op.execute("CREATE TABLE activity_events_pdefault PARTITION OF activity_events_other DEFAULT")
    op.execute("INSERT INTO activity_events SELECT * FROM activity_events_old")
    op.execute("ALTER SEQUENCE activity_events_id_seq OWNED BY activity_events.id")
    op.execute("DROP TABLE activity_events_old")


def _downgrade_postgres():
    op.execute("ALTER TABLE clicks RENAME TO clicks_part")
    op.execute("ALTER TABLE clicks_part RENAME CONSTRAINT pk_clicks TO pk_clicks_part")
    op.execute("ALTER TABLE clicks_part RENAME CONSTRAINT fk_clicks_share_id_shares "
               "TO fk_clicks_part_share_id_shares")
    op.execute("ALTER TABLE clicks_part RENAME CONSTRAINT uq_clicks_click_id_created_at "
               "TO uq_clicks_part_click_id_created_at")
    op.execute("ALTER INDEX ix_clicks_share_id_created_at RENAME TO ix_clicks_part_share_id_created_at")
    op.execute("CREATE TABLE clicks (LIKE clicks_part INCLUDING DEFAULTS)")
    op.execute("INSERT INTO clicks SELECT * FROM clicks_part")
    op.execute("ALTER SEQUENCE clicks_id_seq OWNED BY clicks.id")
    op.execute("DROP TABLE clicks_part")
    op.execute("ALTER TABLE clicks ADD CONSTRAINT pk_clicks PRIMARY KEY (id)")
    op.execute("ALTER TABLE clicks ADD CONSTRAINT fk_clicks_share_id_shares FOREIGN KEY (share_id) "
               "REFERENCES shares (id) ON DELETE CASCADE")
    op.execute("CREATE INDEX ix_clicks_share_id_created_at ON clicks (share_id, created_at)")
    op.execute("ALTER TABLE clicks DROP COLUMN click_id")

    op.execute("ALTER TABLE activity_events RENAME TO activity_events_part")
    op.execute("ALTER TABLE activity_events_part RENAME CONSTRAINT pk_activity_events "
               "TO pk_activity_events_part")
    op.execute("ALTER TABLE activity_events_part RENAME CONSTRAINT fk_activity_events_user_id_users "
               "TO fk_activity_events_part_user_id_users")
    for index in ("ix_activity_events_kind_ref_id", "ix_activity_events_occurred_at",
                  "ix_activity_events_user_id"):
        op.execute(f"ALTER INDEX {index} RENAME TO {index.replace('events', 'events_part')}")
    op.execute("CREATE TABLE activity_events (LIKE activity_events_part INCLUDING DEFAULTS)")
    op.execute("INSERT INTO activity_events SELECT * FROM activity_events_part")
    op.execute("ALTER SEQUENCE activity_events_id_seq OWNED BY activity_events.id")
    op.execute("DROP TABLE activity_events_part")
    op.execute("ALTER TABLE activity_events ADD CONSTRAINT pk_activity_events PRIMARY KEY (id)")
    op.execute("ALTER TABLE activity_events ADD CONSTRAINT fk_activity_events_user_id_users "
               "FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET NULL")
    op.execute("CREATE INDEX ix_activity_events_kind_ref_id ON activity_events (kind, ref_id)")
    op.execute("CREATE INDEX ix_activity_events_occurred_at ON activity_events (occurred_at)")
    op.execute("CREATE INDEX ix_activity_events_user_id ON activity_events (user_id)")


def upgrade():
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('click_id', sa.String(length=32), nullable=True))
        batch_op.create_unique_constraint('uq_clicks_click_id_created_at', ['click_id', 'created_at'])
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _upgrade_postgres(conn)


def downgrade():
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        _downgrade_postgres()
        return
    with op.batch_alter_table('clicks', schema=None) as batch_op:
        batch_op.drop_constraint('uq_clicks_click_id_created_at', type_='unique')
        batch_op.drop_column('click_id')
