"""content language apart from UI language; networks without job ads

Revision ID: 0020_content
Revises: 0018_axe
Create Date: 2026-12-02 04:45:00

users.reading_languages (issue 14 item 7) is filled from the person's interface language, so
nobody's queue changes on upgrade; a person without a language keeps None (every language).
ambassador_profiles.no_job_networks (item 12) starts empty: nobody loses a job post until
they say so.
"""
import sqlalchemy as sa
from alembic import op

revision = "0020_content"
down_revision = "0018_axe"
branch_labels = None
depends_on = None

LANGUAGES = ("nb", "nn", "da", "en")


def upgrade():
    with op.batch_alter_table("users") as batch:
        # "nb,da": a short string, not JSON (users are read with SELECT DISTINCT, and
        # PostgreSQL's json type has no equality operator).
        batch.add_column(sa.Column("reading_languages", sa.String(length=20), nullable=True))
    with op.batch_alter_table("ambassador_profiles") as batch:
        batch.add_column(sa.Column("no_job_networks", sa.JSON(), nullable=False,
                                   server_default="[]"))
    users = sa.table("users", sa.column("id", sa.Integer()), sa.column("locale", sa.String()),
                     sa.column("reading_languages", sa.String()))
    connection = op.get_bind()
    for code in LANGUAGES:
        connection.execute(
            users.update().where(users.c.locale == code).values(reading_languages=code)
        )


def downgrade():
    with op.batch_alter_table("ambassador_profiles") as batch:
        batch.drop_column("no_job_networks")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("reading_languages")
