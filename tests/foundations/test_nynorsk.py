"""Nynorsk (nn) is a fourth complete language: catalog, formats, import, content targeting."""

import re
from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, format_date, format_decimal, gettext
from sqlalchemy import func, select

from advocacy.accounts.models import User
from advocacy.config import LANGUAGES
from advocacy.content.audience import audience_fits
from advocacy.db import utcnow
from advocacy.i18n import LANGUAGE_NAMES, month_name
from advocacy.people import service as people
from advocacy.queue import service as queue
from tests import factories as f

CATALOGS = Path(__file__).resolve().parents[2] / "advocacy" / "translations"
# Words that exist in Bokmål but not in Nynorsk (the Nynorsk form in brackets).
BOKMAL_ONLY = re.compile(
    r"\b(ikke|hva|hvem|hvor|hvordan|hvorfor|jeg|fra|bare|noen|mye|hvis|lenke|navn|uke|"
    r"måned|bilde|hele|flere|mer|være|ble|gjør|kommer|enhet|ansatte|hendelse|påminnelse)\b",
    re.IGNORECASE,
)


def catalog(locale):
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


def strings(message):
    return message.string if isinstance(message.string, tuple) else (message.string,)


def test_nn_is_a_language_everywhere():
    assert LANGUAGES == ("nb", "nn", "da", "en")
    assert LANGUAGE_NAMES["nn"] == "Norsk nynorsk"
    assert list(LANGUAGE_NAMES) == list(LANGUAGES)


def test_nn_catalog_is_written_in_nynorsk_not_bokmal():
    nn = catalog("nn")
    offenders = [(m.id, text) for m in nn if m.id for text in strings(m)
                 if BOKMAL_ONLY.search(text)]
    assert offenders == []
    words = " ".join(text for m in nn if m.id for text in strings(m))
    for nynorsk in ("ikkje", "kva", "frå", "berre", "eining", "veke", "månad", "namn"):
        assert re.search(rf"\b{nynorsk}\b", words), nynorsk


def test_nn_is_not_just_a_copy_of_nb():
    nb, nn = catalog("nb"), catalog("nn")
    ids = [m.id for m in nn if m.id]
    differ = [i for i in ids if nb.get(i) and nb.get(i).string != nn.get(i).string]
    assert len(differ) > 0.6 * len(ids)


def test_babel_formats_dates_and_numbers_in_nynorsk(app):
    with app.test_request_context(), force_locale("nn"):
        assert format_date(date(2026, 12, 1), "EEEE d. MMMM y") == "tysdag 1. desember 2026"
        assert format_date(date(2026, 11, 28), "EEEE") == "laurdag"
        assert format_decimal(52.5) == "52,5"
        assert month_name("2026-11") == "november 2026"
        assert gettext("Accessibility statement") == "Tilgjengelegheitserklæring"
        assert gettext("Settings") == "Innstillingar"
    with app.test_request_context(), force_locale("nb"):
        assert format_date(date(2026, 12, 1), "EEEE") == "tirsdag"


def test_people_import_accepts_nn_and_refuses_unknown_codes(db_session):
    f.unit("Helse")
    importer = people.Importer.of(f.user("curator"))
    before = db_session.scalar(select(func.count()).select_from(User))
    data = (b"email,name,unit,language\n"
            b"ingrid@example.org,Ingrid,Helse,nn\n"
            b"olav@example.org,Olav,Helse,no\n")
    plan = people.parse(data, by=importer)
    assert [r.email for r in plan.new] == ["ingrid@example.org"]
    assert [e.line for e in plan.errors] == [3]
    assert "Unknown language “no”; use one of: nb, nn, da, en." in plan.errors[0].reason
    assert db_session.scalar(select(func.count()).select_from(User)) == before
    people.apply(plan, now=utcnow())
    ingrid = db_session.scalar(select(User).where(User.email == "ingrid@example.org"))
    assert ingrid.locale == "nn"


@pytest.mark.parametrize(("audience", "reader", "fits"), [
    (("nb",), "nn", True),
    (("nn",), "nb", True),
    (("nb",), "nb", True),
    (("nb",), "da", False),
    (("nn",), "en", False),
    (("da",), "nn", False),
    (("da", "nn"), "nb", True),
    ((), "nn", True),
])
def test_bokmal_and_nynorsk_readers_read_each_others_posts(db_session, audience, reader, fits):
    item = f.post(audience_languages=audience)
    assert audience_fits(item, "sykepleier", reader) is fits


def test_queue_of_a_nynorsk_reader_holds_posts_for_norwegian_readers(db_session):
    now = utcnow()
    f.post("for bokmål", audience_languages=("nb",), now=now)
    f.post("for danish", audience_languages=("da",), now=now)
    reader = f.user(locale="nn")
    assert [i.post.title for i in queue.rank(reader, now).items] == ["for bokmål"]


def test_the_cli_offers_nn(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "--help"])
    assert "[nb|nn|da|en]" in result.output


