"""`flask db upgrade` from empty works on both databases and `flask db check` finds no drift."""

import pytest
from sqlalchemy import create_engine, inspect

from tests.conftest import make_app, own_database


@pytest.fixture
def empty_database_url(tmp_path):
    """A brand-new database of the backend under test, removed afterwards."""
    with own_database("advocacy_mig", tmp_path) as url:
        yield url


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
