"""The public "where did you first see this job?" page on a 390 px phone, in each language."""

from __future__ import annotations

import itertools

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from advocacy.extensions import db
from advocacy.recruitment.models import Application
from tests import factories as f

_n = itertools.count(1)

CASES = [
    ("nb", "Hvor så du denne stillingen først?", "Finn.no", "Send svaret", "Takk"),
    ("da", "Hvor så du først dette job?", "Jobindex", "Send svaret", "Tak"),
    ("en", "Where did you first see this job?", "An employee's post on LinkedIn",
     "Send the answer", "Thank you"),
]


@pytest.mark.parametrize("lang, question, option, send, thanks", CASES)
def test_survey_on_a_phone(live, new_context, lang, question, option, send, thanks):
    reference = f"E2E-{lang}-{next(_n)}"
    with live.seed():
        person = f.user("ambassador")
        job = f.post("Helsefagarbeider", job_reference=reference)
        shared = f.share(person, job, "linkedin")
        share_ref = shared.reference
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                          has_touch=True)
    page = context.new_page()
    page.goto(f"/jobs/{reference}/source?lang={lang}&ref={share_ref}&application=A-{lang}")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", name=question)).to_be_visible()
    # nothing is wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # sending nothing is a form error in the page's language, and nothing is stored
    page.get_by_role("button", name=send).click()
    expect(page.get_by_role("alert")).to_be_visible()
    page.get_by_role("radio", name=option).check()
    page.get_by_role("button", name=send).click()
    expect(page.get_by_role("heading", name=thanks)).to_be_visible()
    with live.app.app_context():
        rows = db.session.scalars(select(Application).where(
            Application.ats_application_id == f"A-{lang}")).all()
        assert len(rows) == 1
        assert rows[0].reported_via == "survey" and rows[0].share_id is not None
        db.session.remove()
