"""accessibility statement: one row per installation

Revision ID: 0015_accessibility
Revises: 0014_api_tokens
Create Date: 2026-12-02 01:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0015_accessibility"
down_revision = "0014_api_tokens"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "accessibility_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=200), nullable=False),
        sa.Column("scope", sa.Text(), nullable=False),
        sa.Column("url", sa.String(length=500), nullable=False),
        sa.Column("conformance", sa.String(length=20), nullable=False),
        sa.Column("deviations", sa.JSON(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("feedback_email", sa.String(length=254), nullable=False),
        sa.Column("feedback_phone", sa.String(length=40), nullable=False),
        sa.Column("authority", sa.String(length=2), nullable=False),
        sa.Column("complaint_url", sa.String(length=500), nullable=False),
        sa.Column("official_url", sa.String(length=500), nullable=False),
        sa.Column("statement_date", sa.Date(), nullable=False),
        sa.Column("reviewed_date", sa.Date(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_accessibility_statements")),
    )


def downgrade():
    op.drop_table("accessibility_statements")
