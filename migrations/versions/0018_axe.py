"""image descriptions (alt text) for posts and stories

Revision ID: 0018_axe
Revises: 0016_fold
Create Date: 2026-12-02 05:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0018_axe"
down_revision = "0016_fold"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("posts") as batch:
        batch.add_column(sa.Column("image_alt", sa.String(length=250), nullable=False,
                                   server_default=""))
    with op.batch_alter_table("stories") as batch:
        batch.add_column(sa.Column("photo_alt", sa.String(length=250), nullable=False,
                                   server_default=""))


def downgrade():
    with op.batch_alter_table("stories") as batch:
        batch.drop_column("photo_alt")
    with op.batch_alter_table("posts") as batch:
        batch.drop_column("image_alt")
