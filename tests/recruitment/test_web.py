"""Attribution end to end, the survey page, the CSV import and the report pages over HTTP."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from advocacy.activity.models import PersonMonth, UnitMonth
from advocacy.activity.months import month_of
from advocacy.activity.rollup import rollup_recent
from advocacy.db import utcnow
from advocacy.recruitment import report
from advocacy.recruitment import service as rec
from advocacy.recruitment.models import Application, SurveyChoice
from advocacy.tracking.service import drain_until_empty
from tests import factories as f

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def count(db_session, model=Application):
    return db_session.scalar(select(func.count()).select_from(model))


def test_attribution_end_to_end(app, client, login, db_session, monkeypatch):
    """share -> tracked click (UTM carries the reference) -> application -> report, page,
    rollups."""
    from datetime import UTC

    monkeypatch.setitem(app.config, "ORG_TIMEZONE", "UTC")
    team = f.unit()
    sharers = [f.user("ambassador", unit=team) for _ in range(5)]
    job = f.post("Sykepleier", job_reference="WC-77",
                 link="https://jobs.example.org/wc-77?lang=nb")
    shares = [f.share(person, job, "linkedin") for person in sharers]
    mine = shares[0]

    response = client.get(f"/r/{mine.token}", headers={"User-Agent": PHONE})
    assert response.status_code == 302
    query = parse_qs(urlsplit(response.headers["Location"]).query)
    assert query["utm_content"] == [mine.reference]
    assert query["utm_source"] == ["linkedin"] and query["lang"] == ["nb"]
    # the click waits in the Redis stream until the drain records it
    assert drain_until_empty(db_session.commit, timeout=10) == 1

    # the ATS kept utm_content and reports it back (the HTTP API does the same call)
    now = utcnow()
    rec.record_application(job_reference="WC-77", ats_application_id="ATS-1",
                           share_reference=query["utm_content"][0], source=None,
                           answer=None, outcome=None, now=now)
    rec.set_outcome(job_reference="WC-77", ats_application_id="ATS-1", outcome="hired",
                    now=now)
    # four colleagues' shares bring one each, so the LinkedIn line is not folded away
    for i, other in enumerate(shares[1:]):
        rec.record_application(job_reference="WC-77", ats_application_id=f"ATS-{i + 2}",
                               share_reference=other.reference, source=None, answer=None,
                               outcome=None, now=now)
    rec.record_application(job_reference="WC-77", ats_application_id="ATS-P",
                           share_reference=None, source="print", answer=None, outcome="hired",
                           now=now)
    db_session.commit()

    figures = report.job_report(job, now)
    lines = {line.key: line for line in figures.lines}
    assert lines["employee_share:linkedin"].applications == 5
    assert lines["employee_share:linkedin"].hires == 1
    assert lines["employee_share:linkedin"].clicks == 1
    assert lines["employee_share:linkedin"].clicks_per_application() == 0.2
    assert lines["print"].applications == 1 and figures.hire_share(lines["print"]) == 50.0

    rollup_recent(now + timedelta(minutes=1), UTC)
    month = month_of(now, UTC)
    assert db_session.scalar(select(PersonMonth.applications).where(
        PersonMonth.user_id == sharers[0].id, PersonMonth.month == month)) == 1
    assert db_session.scalar(select(func.sum(UnitMonth.applications)).where(
        UnitMonth.unit_id == team.id, UnitMonth.month == month)) == 5

    curator = f.user("curator")
    login(curator)
    page = client.get(f"/recruitment?job={job.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Employee shares on LinkedIn" in html and "Print" in html
    csv_text = client.get(f"/recruitment/channels.csv?job={job.id}").get_data(as_text=True)
    assert "Employee shares on LinkedIn,5,1,1,0.2,50.0" in csv_text
    client.post("/logout")

    login(sharers[0])
    mine_page = client.get("/activity").get_data(as_text=True)
    assert "Applicants your shares brought" in mine_page
    credit = rec.credit_by_year(sharers[0].id, UTC)
    assert credit == [{"year": now.year, "applications": 1, "hires": 1}]
    assert "ATS-1" not in mine_page


def test_small_groups_of_sharers_are_folded(db_session):
    job = f.post(job_reference="WC-5")
    person = f.user()
    shared = f.share(person, job, "x")
    rec.record_application(job_reference="WC-5", ats_application_id="1",
                           share_reference=shared.reference, source=None, answer=None,
                           outcome=None, now=utcnow())
    keys = [line.key for line in report.job_report(job, utcnow()).lines]
    assert keys == ["employee_share:folded"]


@pytest.mark.parametrize("lang, question", [
    ("nb", "Hvor så du denne stillingen først?"),
    ("da", "Hvor så du først dette job?"),
    ("en", "Where did you first see this job?"),
])
def test_survey_page_in_each_language(client, db_session, lang, question):
    f.post("Kokk", job_reference="S-1")
    page = client.get(f"/jobs/S-1/source?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert question in html and f'lang="{lang}"' in html


def test_survey_answer_is_recorded_with_the_share_and_application_id(client, db_session):
    person = f.user()
    job = f.post("Kokk", job_reference="S-1")
    shared = f.share(person, job, "linkedin")
    response = client.post(f"/jobs/S-1/source?ref={shared.reference}&application=A-5",
                           data={"choice": "finn"})
    assert response.status_code == 200 and "Thank you" in response.get_data(as_text=True)
    app = db_session.scalar(select(Application))
    assert (app.ats_application_id, app.answer, app.reported_via) == ("A-5", "finn", "survey")
    assert app.share_id == shared.id and app.channel == "employee_share"
    # without a share, the answer decides the channel
    client.post("/jobs/S-1/source", data={"choice": "print"})
    assert db_session.scalar(select(func.count()).where(Application.channel == "print")) == 1


@pytest.mark.parametrize("data", [{}, {"choice": "tv-ad"}, {"choice": "x" * 5000}])
def test_survey_junk_is_a_form_error_and_writes_nothing(client, db_session, data):
    f.post(job_reference="S-1")
    response = client.post("/jobs/S-1/source", data=data)
    assert response.status_code == 400
    assert "Please choose one answer." in response.get_data(as_text=True)
    assert count(db_session) == 0


def test_survey_unknown_job_is_404_and_hidden_choices_are_not_offered(client, db_session):
    assert client.get("/jobs/NOPE/source").status_code == 404
    assert client.get("/jobs/" + "x" * 200 + "/source").status_code == 404
    f.post(job_reference="S-1")
    db_session.scalar(select(SurveyChoice).where(SurveyChoice.key == "print")).active = False
    assert client.post("/jobs/S-1/source", data={"choice": "print"}).status_code == 400


def test_survey_is_rate_limited(app, client, db_session, monkeypatch):
    monkeypatch.setitem(app.config, "SURVEY_MAX_PER_HOUR", 2)
    f.post(job_reference="S-1")
    codes = [client.post("/jobs/S-1/source", data={"choice": "print"}).status_code
             for _ in range(4)]
    assert codes == [200, 200, 429, 429]
    assert count(db_session) == 2


def test_survey_form_refuses_a_post_without_csrf_token(db_session):
    from tests.conftest import database_url, make_app

    guarded = make_app(database_url(), WTF_CSRF_ENABLED=True)
    with guarded.app_context():
        response = guarded.test_client().post("/jobs/S-1/source", data={"choice": "print"})
    assert response.status_code == 400


def _upload(client, text: str, encoding="utf-8"):
    return client.post("/recruitment/import", data={
        "file": (io.BytesIO(text.encode(encoding)), "applications.csv")},
        content_type="multipart/form-data")


def test_csv_import_all_rows(client, login, db_session):
    f.post(job_reference="C-1")
    login(f.user("curator"))
    text = ("job_reference;application_id;source;outcome;answer\n"
            "C-1;A1;finn;;\nC-1;A2;job_board;hired;\nC-1;A3;;;word_of_mouth\n")
    assert _upload(client, "\ufeff" + text).status_code == 302
    assert count(db_session) == 3
    channels = dict(db_session.execute(
        select(Application.ats_application_id, Application.channel)).tuples().all())
    assert channels == {"A1": "job_board", "A2": "job_board", "A3": "word_of_mouth"}
    # the same file again changes nothing
    assert _upload(client, text).status_code == 302 and count(db_session) == 3


def test_bad_csv_rows_are_reported_by_line_and_nothing_is_written(client, login, db_session):
    f.post(job_reference="C-1")
    login(f.user("curator"))
    text = ("job_reference,application_id,source,outcome\n"
            "C-1,A1,print,\n"
            "NOPE,A2,print,\n"
            "C-1,A3,television,\n"
            "C-1,A4,print,promoted\n"
            "C-1,A1,print,\n")
    response = _upload(client, text)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    for line in ("Line 3:", "Line 4:", "Line 5:", "Line 6:"):
        assert line in html
    assert "Line 2:" not in html
    assert count(db_session) == 0


@pytest.mark.parametrize("body, message", [
    ("", "The file is empty."),
    ("name;email\nKari;kari@example.org\n", "job_reference"),
    ("job_reference;application_id\n", "no applications"),
])
def test_unusable_csv_files_are_refused(client, login, db_session, body, message):
    login(f.user("curator"))
    response = _upload(client, body)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(db_session) == 0


def test_job_reference_is_editable_and_unique_in_the_post_form(client, login, db_session):
    f.post("First", job_reference="DUP-1")
    second = f.post("Second")
    login(f.user("curator"))
    form = client.get(f"/curate/posts/{second.id}/edit").get_data(as_text=True)
    assert 'name="job_reference"' in form
    data = {"title": "Second", "link": "https://example.org/jobs/2", "kind": "job",
            "deadline_at": "2030-01-01T12:00", "place": "Oslo", "text_linkedin": "Hi",
            "job_reference": "DUP-1"}
    taken = client.post(f"/curate/posts/{second.id}/edit", data=data)
    assert taken.status_code == 400
    assert "Another job post already has this reference." in taken.get_data(as_text=True)
    data["job_reference"] = "NEW-2"
    assert client.post(f"/curate/posts/{second.id}/edit", data=data).status_code == 302
    db_session.refresh(second)
    assert second.job_reference == "NEW-2"


def test_feed_page_shows_runs_and_refuses_bad_urls(client, login, db_session):
    from advocacy.recruitment import feeds

    feed = feeds.add_feed("https://ats.example.org/feed.rss", "ATS", by_user_id=None,
                          now=utcnow())
    feeds.record_failure(feed, "This is not an RSS or Atom feed.", utcnow())
    login(f.user("curator"))
    html = client.get("/recruitment/feeds").get_data(as_text=True)
    assert "This is not an RSS or Atom feed." in html
    bad = client.post("/recruitment/feeds", data={"url": "ftp://x", "name": ""})
    assert bad.status_code == 400


def test_retention_anonymises_old_applications_and_keeps_the_count(db_session):
    from advocacy.privacy.retention import run_retention

    f.post(job_reference="R-1")
    old = utcnow() - timedelta(days=400)
    rec.record_application(job_reference="R-1", ats_application_id="OLD", share_reference=None,
                           source="print", answer="print", outcome=None, now=old)
    rec.record_application(job_reference="R-1", ats_application_id="NEW", share_reference=None,
                           source="print", answer=None, outcome=None, now=utcnow())
    result = run_retention(utcnow())
    assert result.applications_anonymised == 1
    ids = set(db_session.scalars(select(Application.ats_application_id)))
    assert ids == {None, "NEW"}
    assert count(db_session) == 2
    assert run_retention(utcnow()).applications_anonymised == 0
