"""Times, numbers and quotation marks as a reader sees them in Chromium (issue 14, item 4):
for a reader in nb, nn, da and en, a deadline entered as 12:00 shows 12:00 in the
organisation's time zone without seconds, a share of hires has the language's decimal
sign, and a kudos message the language's quotation marks."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from advocacy.endorsements import service as endorsements
from advocacy.recruitment import service as recruitment
from tests import factories as f
from tests.e2e.browser import log_in
from tests.foundations.test_formats import DEADLINE

HIRE_SHARE = {"nb": "66,7", "nn": "66,7", "da": "66,7", "en": "66.7"}
QUOTED = {"nb": "«Bra jobba»", "nn": "«Bra jobba»", "da": "“Bra jobba”", "en": "“Bra jobba”"}


@pytest.fixture(scope="module")
def seeded(live):
    tag = uuid.uuid4().hex[:6]
    with live.seed():
        unit = f.unit(f"Helse {tag}")
        noon = datetime(2026, 6, 15, 12, 0, tzinfo=ZoneInfo("Europe/Oslo"))
        job = f.post(f"Sykepleier {tag}", deadline_at=noon, job_reference=f"J-{tag}",
                     now=datetime(2026, 5, 1, tzinfo=UTC))
        now = datetime.now(UTC)
        for i, source in enumerate(("job_board", "job_board", "print")):
            recruitment.record_application(
                job_reference=job.job_reference, ats_application_id=f"{tag}-{i}",
                share_reference=None, source=source, answer=None, outcome="hired", now=now)
        nurse = f.user(unit=unit, locale="nb")
        readers = {}
        for lang in ("nb", "nn", "da", "en"):
            reader = f.user("curator", "leader", unit=unit, led_units=(unit,), locale=lang,
                            email=f"{lang}-{tag}@example.org")
            readers[lang] = reader.email
            endorsements.give_kudos(reader, nurse, "Bra jobba",
                                    datetime(2026, 1, 10, 23, 30, tzinfo=UTC))
        job_id = job.id
    return {"readers": readers, "job": job_id}


@pytest.mark.parametrize("lang", ["nb", "nn", "da", "en"])
def test_the_reader_sees_times_numbers_and_quotes_in_their_language(new_context, seeded, lang):
    page = new_context().new_page()
    log_in(page, seeded["readers"][lang])
    page.goto(f"/curate/posts/{seeded['job']}")
    text = page.locator("main").inner_text()
    assert DEADLINE[lang] in text
    assert "12:00:00" not in text and "10:00" not in text
    page.goto(f"/recruitment?job={seeded['job']}")
    cells = page.locator("table").first.inner_text()
    assert HIRE_SHARE[lang] in cells, cells
    page.goto("/kudos")
    assert QUOTED[lang] in page.locator("main").inner_text()
