"""takeover reminders go through the reminders planner: unsent rows move to reminders

Revision ID: 0021_takeover_reminders
Revises: 0020_content
Create Date: 2026-12-02 05:10:00

"""
import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0021_takeover_reminders"
down_revision = "0020_content"
branch_labels = None
depends_on = None


def _zone() -> ZoneInfo:
    import os

    return ZoneInfo(os.environ.get("ORG_TIMEZONE", "Europe/Oslo"))


def upgrade():
    conn = op.get_bind()
    now = datetime.now(UTC)
    rows = conn.execute(sa.text(
        "SELECT r.dedupe_key, r.due_at, t.id, t.user_id, t.account, t.day "
        "FROM takeover_reminders r JOIN takeovers t ON t.id = r.takeover_id "
        "WHERE r.sent_at IS NULL AND t.status = 'approved' AND t.user_id IS NOT NULL"
    )).all()
    reminders = sa.table(
        "reminders", sa.column("user_id"), sa.column("kind"), sa.column("period"),
        sa.column("channel"), sa.column("payload", sa.JSON), sa.column("status"),
        sa.column("due_at", sa.DateTime(timezone=True)),
        sa.column("created_at", sa.DateTime(timezone=True)), sa.column("attempts"))
    moved = []
    for key, due_at, takeover_id, user_id, account, day in rows:
        day = day if not isinstance(day, str) else datetime.fromisoformat(day).date()
        if isinstance(due_at, str):
            due_at = datetime.fromisoformat(due_at)
        if due_at.tzinfo is None:
            due_at = due_at.replace(tzinfo=UTC)
        ends = datetime.combine(day + timedelta(days=1), time(0), tzinfo=_zone()).astimezone(UTC)
        if ends <= now:
            continue  # the day has passed: nothing to remind of
        moved.append({
            "user_id": user_id, "kind": "takeover", "period": key, "channel": "email",
            "payload": {"takeover_id": takeover_id, "account": account,
                        "day": day.isoformat(), "expires_at": ends.isoformat()},
            "status": "pending", "due_at": due_at, "created_at": now, "attempts": 0})
    if moved:
        op.bulk_insert(reminders, moved)
    with op.batch_alter_table("takeover_reminders", schema=None) as batch_op:
        batch_op.drop_index("ix_takeover_reminders_sent_at_due_at")
    op.drop_table("takeover_reminders")


def downgrade():
    op.create_table(
        "takeover_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("takeover_id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["takeover_id"], ["takeovers.id"],
                                name=op.f("fk_takeover_reminders_takeover_id_takeovers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_takeover_reminders")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_takeover_reminders_dedupe_key")),
    )
    with op.batch_alter_table("takeover_reminders", schema=None) as batch_op:
        batch_op.create_index("ix_takeover_reminders_sent_at_due_at", ["sent_at", "due_at"],
                              unique=False)
    conn = op.get_bind()
    for key, payload, due_at, sent_at in conn.execute(sa.text(
            "SELECT period, payload, due_at, sent_at FROM reminders WHERE kind = 'takeover'"
    )).all():
        data = payload if isinstance(payload, dict) else json.loads(payload)
        conn.execute(sa.text(
            "INSERT INTO takeover_reminders (takeover_id, dedupe_key, due_at, sent_at) "
            "SELECT :tid, :key, :due, :sent WHERE EXISTS (SELECT 1 FROM takeovers WHERE id = :tid)"
        ), {"tid": data.get("takeover_id"), "key": key, "due": due_at, "sent": sent_at})
    conn.execute(sa.text("DELETE FROM reminders WHERE kind = 'takeover'"))
