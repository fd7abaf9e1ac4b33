"""A person's reading languages: which posts fit them, apart from the interface language.

The interface language (`User.locale`) is how the pages speak to the person; the reading
languages are the content languages whose posts they want offered (docs/i18n.md).
Switching the interface to English therefore hides no Norwegian post.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import lazy_gettext as _l

from advocacy.accounts.models import User
from advocacy.config import LANGUAGES


class ReadingLanguageError(ValueError):
    """An unknown language code; the message is shown and nothing changes."""


def reading_languages(user: User) -> list[str]:
    """The person's reading languages in LANGUAGES order; [] means every language."""
    chosen = set(user.reading_languages or [])
    return [code for code in LANGUAGES if code in chosen]


def default_for(locale: str | None) -> list[str] | None:
    """What a new person reads: their interface language, or every language if none."""
    return [locale] if locale in LANGUAGES else None


def clean(codes: Iterable[str]) -> list[str]:
    codes = [str(code) for code in codes]
    unknown = [code for code in codes if code not in LANGUAGES]
    if unknown:
        raise ReadingLanguageError(_l("Unknown language."))
    return [code for code in LANGUAGES if code in codes]


def set_reading_languages(user: User, codes: Iterable[str]) -> None:
    """Store the person's choice; none chosen means every language."""
    user.reading_languages = clean(codes) or None
