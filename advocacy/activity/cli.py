"""`flask activity rollup|rebuild`: the same services the Celery task calls."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from advocacy.activity import rollup as rollups
from advocacy.activity.months import month_key
from advocacy.db import utcnow
from advocacy.extensions import db
from advocacy.orgtime import org_tz


@click.group("activity")
def activity_cli() -> None:
    """Activity record and monthly rollups."""


@activity_cli.command("rollup")
@with_appcontext
def rollup() -> None:
    """Roll up the months with new events or clicks since the last run."""
    started = time.perf_counter()
    months = rollups.rollup_recent(utcnow(), org_tz())
    db.session.commit()
    click.echo(f"rolled up {len(months)} month(s) in {time.perf_counter() - started:.2f}s")


@activity_cli.command("rebuild")
@with_appcontext
def rebuild() -> None:
    """Recompute every rollup from the raw record (months already pruned are kept)."""
    started = time.perf_counter()
    months = rollups.rebuild(org_tz())
    db.session.commit()
    span = f"{month_key(months[0])}..{month_key(months[-1])}" if months else "-"
    click.echo(f"rebuilt {len(months)} month(s) ({span}) in {time.perf_counter() - started:.2f}s")
