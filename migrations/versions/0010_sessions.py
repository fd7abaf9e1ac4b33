"""sessions end at logout; four-eyes review on by default for new programmes

users.login_generation is stored in every session id and bumped at logout, so a session
cookie captured before a logout no longer works afterwards (issue 10, item 12).

programmes.require_second_approval: new rows start with the second-curator review on
(issue 10, item 10). Existing rows keep their value: an installation that has the review
off may have chosen it, and a migration cannot tell that from the old default.

Revision ID: 0010_sessions
Revises: 0008
Create Date: 2026-12-02 01:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_sessions'
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('login_generation', sa.Integer(), nullable=False,
                                      server_default='0'))
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.alter_column('require_second_approval', existing_type=sa.Boolean(),
                              existing_nullable=False, server_default=sa.true())


def downgrade():
    with op.batch_alter_table('programmes', schema=None) as batch_op:
        batch_op.alter_column('require_second_approval', existing_type=sa.Boolean(),
                              existing_nullable=False, server_default=sa.false())
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('login_generation')
