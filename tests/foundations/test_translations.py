"""The nb, nn, da and en catalogs cover every user-facing string in the code and templates."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "advocacy" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    pot = tmp_path_factory.mktemp("i18n") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "lazy_gettext", "-k", "_l", "--ignore-dirs=.* node_modules", "-o", str(pot), "."],
        cwd=ROOT, check=True, capture_output=True,
    )
    with pot.open("rb") as fh:
        return read_po(fh)


def load(locale):
    with (CATALOGS / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        return read_po(fh, locale=locale)


@pytest.mark.parametrize("locale", ["nb", "nn", "da", "en"])
def test_catalog_has_every_message(template, locale):
    catalog = load(locale)
    missing = [m.id for m in template if m.id and catalog.get(m.id) is None]
    assert missing == [], f"run `make translations`; missing in {locale}"


@pytest.mark.parametrize("locale", ["nb", "nn", "da"])
def test_every_message_is_translated_with_the_same_placeholders(template, locale):
    catalog = load(locale)
    problems = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if not all(strings) or entry.fuzzy:
            problems.append(("untranslated", ids[0]))
            continue
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                problems.append(("placeholders", ids[0], text))
    assert problems == []
