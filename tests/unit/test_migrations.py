"""`flask db upgrade` from empty works on both databases and `flask db check` finds no drift."""

import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from tests.conftest import database_url, is_postgres, make_app


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database of the backend under test, removed afterwards."""
    url = database_url()
    if not is_postgres(url):
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    name = f"advocacy_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_from_empty_then_check_downgrade_and_upgrade_again(empty_database_url):
    app = make_app(empty_database_url)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    engine = create_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    assert {"users", "units", "roles", "posts", "post_variants", "shares", "clicks"} <= tables

    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output

    assert runner.invoke(args=["db", "downgrade", "base"]).exit_code == 0
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    # the same check does see drift when the schema is missing
    assert runner.invoke(args=["db", "check"]).exit_code != 0
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    engine.dispose()
    with app.app_context():
        from advocacy.extensions import db

        db.engine.dispose()
