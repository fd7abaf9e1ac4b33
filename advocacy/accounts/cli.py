"""`flask users ...`: the same services the admin page uses."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from advocacy import tasknames
from advocacy.accounts import service
from advocacy.accounts.models import RoleName, Unit
from advocacy.config import LANGUAGES
from advocacy.extensions import db
from advocacy.jobs import enqueue


@click.group("users")
def users_cli() -> None:
    """Manage people."""


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--title", default="")
@click.option("--unit", "unit_name", default=None, help="Name of the person's unit.")
@click.option("--locale", type=click.Choice(list(LANGUAGES)), default=None)
@click.option(
    "--welcome/--no-welcome",
    default=False,
    show_default=True,
    help="E-mail the person a welcome message (sent by the worker).",
)
@click.option(
    "--role",
    "roles",
    multiple=True,
    type=click.Choice([r.value for r in RoleName]),
    default=["ambassador"],
    show_default=True,
)
@with_appcontext
def create(email, name, password, title, unit_name, locale, welcome, roles) -> None:
    """Create a person (leaders lead their own unit)."""
    unit = None
    if unit_name:
        unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
        if unit is None:
            raise click.BadParameter(f"no unit named {unit_name!r}", param_hint="--unit")
    try:
        user = service.create_user(
            email=email, name=name, password=password, title=title, unit=unit,
            locale=locale, roles=roles,
        )
    except service.AccountError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    if welcome:
        enqueue(tasknames.SEND_WELCOME, user.id)
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> roles={','.join(sorted(user.role_names))}")
