import click
from flask.cli import with_appcontext


@click.group("takeovers")
def takeovers_cli() -> None:
    """Account takeovers."""


@takeovers_cli.command("send-reminders")
@with_appcontext
def send_reminders() -> None:
    """Send the day-before reminders that are due (run it from cron or beat)."""
    from advocacy.takeovers.views import send_reminders_now

    click.echo(f"sent {send_reminders_now()}")
