"""Times, numbers and quotation marks on screen, in the reader's language.

Every shown time is in the organisation's time zone (`ORG_TIMEZONE`), without seconds, in
the locale's own pattern from CLDR (Babel); every number uses the locale's decimal sign and
grouping; quotation marks are the language's own (« » in nb/nn, “ ” in da and en).
Templates use these as Jinja filters (`datetimeformat`, `dateformat`, `timeformat`,
`number`, `percent`, `quote`); Python code that builds shown text calls the functions.
CSV exports keep machine formats (ISO 8601, a dot as decimal sign): docs/i18n.md.
"""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, has_app_context

from advocacy.orgtime import to_local

DATE_WIDTHS = ("short", "medium", "long", "full")


def _locale_name() -> str:
    from flask_babel import get_locale

    locale = get_locale() if has_app_context() else None
    return str(locale) if locale else "en"


@lru_cache(maxsize=16)
def _locale(name: str) -> Locale:
    return Locale.parse(name)


def datetimeformat(value: datetime | None, width: str = "medium") -> str:
    """Date and time of day (hours and minutes), e.g. nb "2. des. 2026, 12:00"."""
    if value is None:
        return ""
    width = width if width in DATE_WIDTHS else "medium"
    locale = _locale(_locale_name())
    moment = to_local(value)
    day = babel_dates.format_date(moment.date(), width, locale=locale)
    clock = babel_dates.format_time(moment.time(), "short", locale=locale)
    pattern = locale.datetime_formats.get(width if width != "full" else "long")
    pattern = str(pattern) if pattern else "{1} {0}"
    return pattern.replace("{1}", day).replace("{0}", clock)


def dateformat(value: date | datetime | None, width: str = "medium") -> str:
    """A day; a datetime is taken in the organisation's time zone first."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).date()
    width = width if width in DATE_WIDTHS else "medium"
    return babel_dates.format_date(value, width, locale=_locale(_locale_name()))


def timeformat(value: datetime | time | None) -> str:
    """The time of day without seconds, e.g. "12:00" (nb) or "12:00 PM" (en)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_local(value).time()
    return babel_dates.format_time(value, "short", locale=_locale(_locale_name()))


def number(value: float | int | Decimal | None, digits: int | None = None) -> str:
    """52.5 as "52,5" in nb/nn/da and "52.5" in en; 12345 as "12 345" / "12.345" / "12,345"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if digits is not None:
        value = round(float(value), digits)
    return babel_numbers.format_decimal(value, locale=_locale(_locale_name()),
                                        decimal_quantization=False)


def percent(value: float | int | None) -> str:
    """A figure already in per cent (52.5) as the locale writes it: "52,5 %" / "52.5%"."""
    if value is None:
        return ""
    return babel_numbers.format_percent(Decimal(str(value)) / 100,
                                        locale=_locale(_locale_name()),
                                        decimal_quantization=False)


# CLDR's <delimiters> (quotationStart/End) for our languages. Babel 2.18 does not carry them
# (no `Locale.quotation_start`), so they are copied here from CLDR 46 common/main/*.xml.
QUOTES = {"nb": ("«", "»"), "nn": ("«", "»"), "da": ("“", "”"), "en": ("“", "”")}


def quote(text: object) -> str:
    """The text between the language's own quotation marks (CLDR): «…» in nb and nn."""
    start, end = QUOTES.get(_locale_name().split("_")[0], QUOTES["en"])
    return f"{start}{text}{end}"


def cell_formatter(locale_name: str | None = None):
    """A fast number formatter for big tables: the locale's decimal pattern parsed once."""
    locale = _locale(locale_name or _locale_name())
    pattern = locale.decimal_formats[None]

    def fmt(value: float | int) -> str:
        return pattern.apply(value, locale, decimal_quantization=False)

    return fmt


def init_app(app: Flask) -> None:
    app.jinja_env.filters.update(
        datetimeformat=datetimeformat, dateformat=dateformat, timeformat=timeformat,
        number=number, percent=percent, quote=quote,
    )
