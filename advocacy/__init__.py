"""advocacy: an open, self-hostable employee-advocacy platform."""

from __future__ import annotations

from typing import Any

from flask import Flask


def create_app(config: dict[str, Any] | None = None) -> Flask:
    from advocacy import config as config_module

    app = Flask(
        __name__,
        template_folder=str(config_module.BASE_DIR / "templates"),
        instance_path=str(config_module.INSTANCE_DIR),
    )
    app.config.update(config_module.load())
    if config:
        app.config.update(config)

    from advocacy.tracking import fastpath

    fastpath.install(app)  # the lean /r/<token> path, inside any ProxyFix added below
    _init_extensions(app)
    _register_blueprints(app)
    _connect_features()
    _register_cli(app)
    return app


def _init_extensions(app: Flask) -> None:
    from advocacy import errors, formats, i18n, logs, models, security  # noqa: F401  (models: tables)
    from advocacy.accounts.service import user_for_session
    from advocacy.extensions import babel, csrf, db, limiter, limiter_config, login_manager, migrate

    logs.init_app(app)
    db.init_app(app)
    _tune_sqlite(app)
    migrate.init_app(app, db, directory=str(app.root_path + "/../migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale,
                   timezone_selector=lambda: app.config["ORG_TIMEZONE"])
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.session_protection = "strong"
    login_manager.user_loader(user_for_session)
    for key, value in limiter_config(app.config).items():
        app.config.setdefault(key, value)
    limiter.init_app(app)
    i18n.init_app(app)
    formats.init_app(app)
    security.init_app(app)
    errors.init_app(app)


def _register_blueprints(app: Flask) -> None:
    from advocacy.accessibility.views import bp as accessibility
    from advocacy.accounts.views import bp as accounts
    from advocacy.activity.views import bp as activity
    from advocacy.audit.views import bp as audit
    from advocacy.content.views import bp as content
    from advocacy.content.views import files as uploads
    from advocacy.core.views import bp as core
    from advocacy.endorsements.views import bp as endorsements
    from advocacy.insights.views import bp as insights
    from advocacy.onboarding.views import bp as onboarding
    from advocacy.people import account_pages  # noqa: F401  (routes of the accounts blueprint)
    from advocacy.people.views import bp as people
    from advocacy.privacy.views import bp as privacy
    from advocacy.programme.views import bp as programme
    from advocacy.queue.views import bp as queue
    from advocacy.recruitment.views import bp as recruitment
    from advocacy.reminders.views import bp as reminders
    from advocacy.schedule_calendar.views import bp as schedule_calendar
    from advocacy.sharing.views import bp as sharing
    from advocacy.stories.views import bp as stories
    from advocacy.takeovers.views import bp as takeovers
    from advocacy.tracking.views import bp as tracking

    for blueprint in (
        core, accounts, programme, content, queue, sharing, tracking, activity, uploads,
        stories, people, onboarding, takeovers, schedule_calendar, endorsements, insights,
        privacy, audit, reminders, accessibility, recruitment,
    ):
        app.register_blueprint(blueprint)
    _register_api(app)


def _connect_features() -> None:
    """Where a lower layer needs an answer from an upper one, the answer is wired in here
    (docs/architecture.md, Layers): the lower feature imports none of the upper one."""
    from advocacy.activity import clicks
    from advocacy.activity import views as activity_views
    from advocacy.content import counting
    from advocacy.endorsements.service import active_endorsements, endorsed_shares, kudos_for
    from advocacy.insights.person import person_page
    from advocacy.insights.views import person_response
    from advocacy.privacy import views as privacy_views
    from advocacy.queue import service as queue

    counting.count_shares_with(per_variant=clicks.variant_counts, per_topic=clicks.topic_shares)
    queue.backed_by(active_endorsements)
    activity_views.show_on_my_page(kudos=kudos_for, endorsed=endorsed_shares)
    privacy_views.show_person_page(page=person_page, response=person_response)


def _register_api(app: Flask) -> None:
    """The JSON API: token auth only, so no CSRF; its own per-token rate limit."""
    from advocacy import errors
    from advocacy.api import limits
    from advocacy.api.admin import bp as api_pages
    from advocacy.api.errors import error_response, http_error
    from advocacy.api.views import bp as api
    from advocacy.extensions import csrf

    errors.errors_under("/api/", error_response=error_response, http_error=http_error)
    csrf.exempt(api)
    app.register_blueprint(api)
    app.register_blueprint(api_pages)
    limits.init_app(app, api)


def _register_cli(app: Flask) -> None:
    from advocacy.accounts.cli import users_cli
    from advocacy.activity.cli import activity_cli
    from advocacy.demo.cli import demo_data
    from advocacy.privacy.cli import privacy_cli
    from advocacy.tracking.cli import tracking_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(activity_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(tracking_cli)


def _tune_sqlite(app: Flask) -> None:
    """SQLite: WAL, busy timeout, real transactions (see advocacy.db.tune_sqlite)."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    from advocacy.db import tune_sqlite
    from advocacy.extensions import db

    with app.app_context():
        tune_sqlite(db.engine)
