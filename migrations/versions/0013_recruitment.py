"""recruitment: job references, share references, applications, job feeds, survey choices

Every existing share gets a random reference (sent as utm_content); every new one gets it
from the model's default. Job posts get the ATS's job reference (unique where set).

Revision ID: 0013_recruitment
Revises: 0012_clicks
Create Date: 2026-12-02 01:30:00

"""
import secrets

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013_recruitment'
down_revision = "0012_clicks"
branch_labels = None
depends_on = None

# The built-in answers to "where did you first see this job?" (labels come from gettext).
CHOICES = [
    ("linkedin", "employee_share", "linkedin"),
    ("facebook", "employee_share", "facebook"),
    ("instagram", "employee_share", "instagram"),
    ("x", "employee_share", "x"),
    ("own_pages", "own_pages", None),
    ("nav", "job_board", None),
    ("finn", "job_board", None),
    ("jobindex", "job_board", None),
    ("other_job_board", "job_board", None),
    ("print", "print", None),
    ("word_of_mouth", "word_of_mouth", None),
    ("other", "other", None),
]


def upgrade():
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('job_reference', sa.String(length=100), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_posts_job_reference'), ['job_reference'])

    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reference', sa.String(length=32), nullable=True))
    shares = sa.table('shares', sa.column('id', sa.Integer), sa.column('reference', sa.String))
    conn = op.get_bind()
    ids = [row[0] for row in conn.execute(sa.select(shares.c.id).where(
        shares.c.reference.is_(None)))]
    if ids:
        conn.execute(
            shares.update().where(shares.c.id == sa.bindparam('share_id'))
            .values(reference=sa.bindparam('ref')),
            [{'share_id': i, 'ref': secrets.token_urlsafe(12)} for i in ids],
        )
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.alter_column('reference', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_shares_reference'), ['reference'])

    op.create_table('applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('ats_application_id', sa.String(length=100), nullable=True),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('network', sa.String(length=20), nullable=True),
    sa.Column('share_id', sa.Integer(), nullable=True),
    sa.Column('answer', sa.String(length=40), nullable=True),
    sa.Column('reported_via', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('hired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_applications_post_id_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['share_id'], ['shares.id'], name=op.f('fk_applications_share_id_shares'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_applications')),
    sa.UniqueConstraint('post_id', 'ats_application_id', name='uq_applications_post_id_ats_application_id')
    )
    op.create_index('ix_applications_applied_at', 'applications', ['applied_at'], unique=False)
    op.create_index('ix_applications_post_id_channel', 'applications', ['post_id', 'channel'], unique=False)
    op.create_index(op.f('ix_applications_share_id'), 'applications', ['share_id'], unique=False)

    op.create_table('job_feeds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_ok', sa.Boolean(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_feeds')),
    sa.UniqueConstraint('url', name=op.f('uq_job_feeds_url'))
    )
    op.create_table('job_feed_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created', sa.Integer(), nullable=False),
    sa.Column('updated', sa.Integer(), nullable=False),
    sa.Column('archived', sa.Integer(), nullable=False),
    sa.Column('unchanged', sa.Integer(), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['feed_id'], ['job_feeds.id'], name=op.f('fk_job_feed_runs_feed_id_job_feeds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_feed_runs'))
    )
    op.create_index(op.f('ix_job_feed_runs_feed_id'), 'job_feed_runs', ['feed_id'], unique=False)
    op.create_table('job_feed_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('feed_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('first_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('gone_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['feed_id'], ['job_feeds.id'], name=op.f('fk_job_feed_items_feed_id_job_feeds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_job_feed_items_post_id_posts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_feed_items')),
    sa.UniqueConstraint('feed_id', 'key', name='uq_job_feed_items_feed_id_key')
    )
    op.create_index(op.f('ix_job_feed_items_post_id'), 'job_feed_items', ['post_id'], unique=False)
    choices = op.create_table('survey_choices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=40), nullable=False),
    sa.Column('channel', sa.String(length=30), nullable=False),
    sa.Column('network', sa.String(length=20), nullable=True),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_choices')),
    sa.UniqueConstraint('key', name=op.f('uq_survey_choices_key'))
    )
    op.bulk_insert(choices, [
        {'key': key, 'channel': channel, 'network': network, 'label': '',
         'position': position, 'active': True}
        for position, (key, channel, network) in enumerate(CHOICES)
    ])


def downgrade():
    op.drop_table('survey_choices')
    op.drop_index(op.f('ix_job_feed_items_post_id'), table_name='job_feed_items')
    op.drop_table('job_feed_items')
    op.drop_index(op.f('ix_job_feed_runs_feed_id'), table_name='job_feed_runs')
    op.drop_table('job_feed_runs')
    op.drop_table('job_feeds')
    op.drop_index(op.f('ix_applications_share_id'), table_name='applications')
    op.drop_index('ix_applications_post_id_channel', table_name='applications')
    op.drop_index('ix_applications_applied_at', table_name='applications')
    op.drop_table('applications')
    with op.batch_alter_table('shares', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_shares_reference'), type_='unique')
        batch_op.drop_column('reference')
    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_posts_job_reference'), type_='unique')
        batch_op.drop_column('job_reference')
