"""`flask tracking drain`: move waiting clicks into the database, e.g. before counting;
`flask tracking warm`: write the newest shares' targets into the shared cache now."""

from __future__ import annotations

import click
from flask.cli import AppGroup

tracking_cli = AppGroup("tracking", help="The tracked redirect's click buffers.")


@tracking_cli.command("drain")
@click.option("--timeout", default=60.0, show_default=True,
              help="Seconds to keep draining until nothing waits.")
def drain(timeout: float) -> None:
    """Drain the click stream and this host's spool until empty (or the timeout)."""
    from advocacy.extensions import db
    from advocacy.tracking.service import drain_until_empty, pending_count

    moved = drain_until_empty(db.session.commit, timeout=timeout)
    waiting = pending_count()
    click.echo(f"recorded {moved} click(s); {waiting} still waiting")
    if waiting:
        raise SystemExit(1)


@tracking_cli.command("warm")
@click.option("--limit", type=int, default=None,
              help="Newest shares to write (default TRACKING_WARM_LIMIT).")
def warm(limit: int | None) -> None:
    """Write the newest shares' redirect targets into the cache shared in Redis."""
    from flask import current_app

    from advocacy.tracking import shared_cache

    written = shared_cache.warm(current_app._get_current_object(), limit=limit, force=True)  # type: ignore[attr-defined]  # a LocalProxy, typed as Flask
    click.echo(f"wrote {written} redirect target(s)")
