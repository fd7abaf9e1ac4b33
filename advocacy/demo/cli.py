import click


@click.command("demo-data")
def demo_data() -> None:
    """Fill a demo organisation (being written)."""
    raise click.ClickException("not ready")
