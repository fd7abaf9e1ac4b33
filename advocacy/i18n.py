"""Language choice: the person's own setting, else what the browser asks for."""

from __future__ import annotations

from flask import Flask, current_app, has_request_context, request, session
from flask_login import current_user

LANGUAGE_NAMES = {"nb": "Norsk bokmål", "nn": "Norsk nynorsk", "da": "Dansk", "en": "English"}
# Browser language tags we understand as one of ours: plain "no" (Norwegian) is Bokmål.
BROWSER_ALIASES = {"no": "nb"}


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    chosen = session.get("locale")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    aliases = {alias: code for alias, code in BROWSER_ALIASES.items() if code in languages}
    best = request.accept_languages.best_match([*languages, *aliases])
    return aliases.get(best, best) if best else current_app.config["BABEL_DEFAULT_LOCALE"]


def month_name(key: str) -> str:
    """'2026-11' as 'november 2026' in the reader's language."""
    from datetime import date

    from flask_babel import format_date

    year, month = (int(part) for part in key.split("-"))
    return format_date(date(year, month, 1), "LLLL y")


def init_app(app: Flask) -> None:
    from flask_babel import get_locale

    app.add_template_filter(month_name)

    @app.context_processor
    def _languages():
        return {"language_names": LANGUAGE_NAMES, "current_locale": str(get_locale())}
