"""`flask demo-data`: fill an empty database with a municipality and years of activity."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import click
from flask.cli import with_appcontext

from advocacy.accounts.service import hash_password
from advocacy.db import utcnow
from advocacy.demo import generate
from advocacy.demo.base import MIN_AMBASSADORS
from advocacy.demo.catalogue import DEMO_PASSWORD, ORG_NAME
from advocacy.extensions import db

TABLE_ORDER = (
    "units", "topics", "users", "unit_memberships", "roles", "user_topics", "programmes",
    "posts", "post_variants", "post_topics", "post_units", "endorsements",
    "endorsement_requests", "shares", "queue_decisions", "clicks", "kudos", "activity_events",
    "activity_person_months", "activity_unit_months", "activity_unit_dim_months",
)


@click.command("demo-data")
@click.option("--ambassadors", type=click.IntRange(min=MIN_AMBASSADORS), default=200,
              show_default=True, help="How many people take part as ambassadors.")
@click.option("--years", type=click.IntRange(1, 20), default=3, show_default=True,
              help="How many years of history to make up, ending now.")
@click.option("--seed", type=int, default=1, show_default=True,
              help="The same seed and --now give the same data.")
@click.option("--now", "now_text", default=None, metavar="ISO-TIME",
              help="Pretend it is this UTC moment, e.g. 2026-01-01T12:00 (reproducible runs).")
@click.option("--if-empty", is_flag=True,
              help="Do nothing, successfully, when the database already holds data.")
@with_appcontext
def demo_data(ambassadors: int, years: int, seed: int, now_text: str | None,
              if_empty: bool) -> None:
    """Fill an empty database with a demo municipality: people, posts, shares, clicks,
    endorsements, kudos and the activity record, rolled up for the dashboards."""
    now = _parse_now(now_text) if now_text else utcnow()
    conn = db.session.connection()
    existing = generate.existing_data(conn)
    if existing:
        db.session.rollback()
        message = f"the database already holds data (in {', '.join(existing)})"
        if if_empty:
            click.echo(f"Demo data not loaded: {message}.")
            return
        raise click.ClickException(
            f"{message}; demo data is only loaded into an empty database."
        )
    started = time.monotonic()
    click.echo(f"Creating {ORG_NAME}: {ambassadors} ambassadors, {years} years (seed {seed})…")
    try:
        summary = generate.fill(
            conn, ambassadors=ambassadors, years=years, seed=seed, now=now,
            password_hash=hash_password(DEMO_PASSWORD),
            progress=lambda stage, seconds: click.echo(f"  {stage}: {seconds:.1f} s"),
        )
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    elapsed = time.monotonic() - started
    for name in TABLE_ORDER:
        if name in summary.counts:
            click.echo(f"  {name:<24} {summary.counts[name]:>10,}")
    if summary.first_share and summary.last_share:
        click.echo(f"  shares from {summary.first_share:%Y-%m-%d} to {summary.last_share:%Y-%m-%d}")
    click.echo(f"Done in {elapsed:.1f} s. Demo logins (password {DEMO_PASSWORD!r}):")
    for login in summary.logins:
        click.echo(f"  {login.email:<34} {login.name} – {login.what}")


def _parse_now(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(
            "use an ISO time such as 2026-01-01T12:00", param_hint="--now"
        ) from exc
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
