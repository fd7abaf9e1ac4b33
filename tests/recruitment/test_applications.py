"""Recording applications: idempotent, pseudonymous, attributed through the share reference."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from advocacy.activity.models import ActivityEvent, EventKind
from advocacy.db import utcnow
from advocacy.recruitment import service as rec
from advocacy.recruitment.models import Application
from tests import factories as f


def _record(**kw):
    args = {"job_reference": "WC-1", "ats_application_id": "A-1", "share_reference": None,
            "source": None, "answer": None, "outcome": None, "now": utcnow()}
    args.update(kw)
    return rec.record_application(**args)


def test_every_share_has_its_own_opaque_reference(db_session):
    person = f.user()
    job = f.post(job_reference="WC-1")
    one, two = f.share(person, job, "linkedin"), f.share(person, job, "x")
    assert one.reference and two.reference and one.reference != two.reference
    assert one.reference != one.token and str(person.id) != one.reference
    assert len(one.reference) >= 16


def test_same_application_twice_updates_never_doubles(db_session):
    f.post(job_reference="WC-1")
    first = _record(source="print")
    again = _record(outcome="interviewed")
    assert first.id == again.id
    assert db_session.scalar(select(func.count()).select_from(Application)) == 1
    assert again.channel == "print" and again.outcome == "interviewed"


def test_unknown_share_reference_is_unattributed_not_an_error(db_session):
    f.post(job_reference="WC-1")
    app = _record(share_reference="no-such-reference")
    assert app.share_id is None and app.channel == rec.UNKNOWN


def test_share_reference_attributes_and_counts_once_in_the_activity_record(db_session):
    person = f.user()
    job = f.post(job_reference="WC-1")
    shared = f.share(person, job, "x")
    app = _record(share_reference=shared.reference, answer="print")
    assert (app.share_id, app.channel, app.network) == (shared.id, "employee_share", "x")
    assert app.answer == "print"  # what the applicant said is kept, the share outranks it
    _record(share_reference=shared.reference, outcome="hired")
    events = db_session.scalars(select(ActivityEvent).where(
        ActivityEvent.kind == EventKind.APPLICATION)).all()
    assert [(e.user_id, e.ref_id, e.network) for e in events] == [(person.id, app.id, "x")]
    assert app.outcome == "hired" and app.hired_at is not None


@pytest.mark.parametrize("kw, code", [
    ({"job_reference": "NOPE"}, "unknown_job"),
    ({"outcome": "promoted"}, "invalid_outcome"),
    ({"source": "tv"}, "invalid_source"),
    ({"ats_application_id": "  "}, "missing_application_id"),
    ({"ats_application_id": "x" * 101}, "application_id_too_long"),
])
def test_bad_input_is_refused_with_a_code_and_writes_nothing(db_session, kw, code):
    f.post(job_reference="WC-1")
    with pytest.raises(rec.RecruitmentError) as caught:
        _record(**kw)
    assert caught.value.code == code and str(caught.value)
    assert db_session.scalar(select(func.count()).select_from(Application)) == 0


def test_answers_match_choice_keys_and_labels_in_any_language(db_session):
    f.post(job_reference="WC-1")
    assert _record(ats_application_id="1", answer="finn").channel == "job_board"
    assert _record(ats_application_id="2", answer="An employee's post on X").network == "x"
    # free text that matches no choice is not stored (it could name a person)
    unmatched = _record(ats_application_id="3", answer="my friend Kari Nordmann")
    assert unmatched.answer is None and unmatched.channel == rec.UNKNOWN


def test_set_outcome_needs_a_known_application(db_session):
    f.post(job_reference="WC-1")
    with pytest.raises(rec.RecruitmentError) as caught:
        rec.set_outcome(job_reference="WC-1", ats_application_id="A-9", outcome="hired",
                        now=utcnow())
    assert caught.value.code == "unknown_application"
    _record()
    later = utcnow() + timedelta(days=3)
    app = rec.set_outcome(job_reference="WC-1", ats_application_id="A-1", outcome="hired",
                          now=later)
    assert app.hired_at == later
    app = rec.set_outcome(job_reference="WC-1", ats_application_id="A-1", outcome="withdrawn",
                          now=later)
    assert app.hired_at is None
