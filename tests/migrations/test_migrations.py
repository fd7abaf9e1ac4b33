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


def test_0020_fills_reading_languages_from_the_interface_language(empty_database_url):
    """Upgrading keeps everyone's queue: reading languages start as the interface language,
    a person without one keeps every language, and nobody refuses job ads yet."""
    from sqlalchemy import text

    app = make_app(empty_database_url)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade", "0015_accessibility"]).exit_code == 0
    engine = create_engine(empty_database_url)
    with engine.begin() as conn:
        for n, locale in enumerate(("nb", "nn", "da", "en", None), start=1):
            conn.execute(text(
                "INSERT INTO users (id, email, name, title, locale, session_version, "
                "login_generation, active, named_opt_in, created_at) VALUES "
                "(:id, :email, 'P', '', :locale, 1, 0, :yes, :no, CURRENT_TIMESTAMP)"),
                {"id": n, "email": f"p{n}@example.org", "locale": locale,
                 "yes": True, "no": False})
        conn.execute(text("INSERT INTO ambassador_profiles (user_id, networks) "
                          "VALUES (1, '[\"facebook\"]')"))
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from advocacy.accounts.models import User
        from advocacy.extensions import db
        from advocacy.onboarding.models import AmbassadorProfile

        read = {u.id: u.reading_languages for u in db.session.query(User)}
        assert read == {1: ["nb"], 2: ["nn"], 3: ["da"], 4: ["en"], 5: None}
        assert db.session.get(AmbassadorProfile, 1).no_job_networks == []
        db.session.remove()
        db.engine.dispose()
    assert runner.invoke(args=["db", "downgrade", "0015_accessibility"]).exit_code == 0
    assert "reading_languages" not in {c["name"] for c in inspect(engine).get_columns("users")}
    engine.dispose()
