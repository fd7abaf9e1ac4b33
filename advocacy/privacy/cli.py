"""`flask privacy ...`: the same services the scheduled jobs and pages use."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from advocacy.accounts.service import find_user_by_email
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.privacy import mailer
from advocacy.privacy.erasure import erase_person
from advocacy.privacy.exports import build_export, pending_export_ids
from advocacy.privacy.notices import send_notice_emails
from advocacy.privacy.retention import run_retention
from advocacy.tracking.service import drain_pending_clicks


@click.group("privacy")
def privacy_cli() -> None:
    """Retention, exports, notices, erasure."""


@privacy_cli.command("retention")
@with_appcontext
def retention() -> None:
    """Erase people who left, prune raw clicks and events the rollups hold, old audit rows,
    expired exports."""
    report = run_retention(utcnow())
    db.session.commit()
    click.echo(f"clicks pruned={report.clicks_pruned} events pruned={report.events_pruned} "
               f"audit pruned={report.audit_pruned} exports expired={report.exports_expired} "
               f"erased={report.people_erased}")


@privacy_cli.command("build-exports")
@with_appcontext
def build_exports() -> None:
    ids = pending_export_ids()
    for export_id in ids:
        build_export(export_id, utcnow())
        db.session.commit()
    click.echo(f"built {len(ids)} export(s)")


@privacy_cli.command("drain-clicks")
@with_appcontext
def drain_clicks() -> None:
    """Insert clicks buffered in Redis while the database refused them."""
    click.echo(f"inserted {drain_pending_clicks(db.session.commit)} buffered click(s)")


@privacy_cli.command("send-notices")
@with_appcontext
def send_notices() -> None:
    """E-mail privacy notices (e.g. per-person views switched on) to everyone not yet told."""
    sent = send_notice_emails(mailer.send_notice, utcnow(), db.session.commit)
    db.session.commit()
    click.echo(f"sent {sent} e-mail(s)")


@privacy_cli.command("erase")
@click.option("--email", required=True)
@click.confirmation_option(prompt="Erase this person and everything personal about them?")
@with_appcontext
def erase(email: str) -> None:
    person = find_user_by_email(email)
    if person is None:
        raise click.ClickException("no such person")
    erase_person(person, reason="admin_cli", actor_id=None, now=utcnow())
    db.session.commit()
    click.echo("erased")
