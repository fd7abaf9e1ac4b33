"""Onboarding: the guidelines accepted per version; chosen interests land on a queue that
is not empty."""

from advocacy.db import utcnow
from advocacy.onboarding import service as onboarding
from advocacy.programme.service import get_programme, update_programme
from tests import factories as f


def test_guidelines_acceptance_is_per_version(db_session):
    person, curator = f.user(), f.user("curator")
    version = get_programme().guidelines_version
    assert onboarding.needs_guidelines(person, version)
    onboarding.accept_guidelines(person, version, now=utcnow())
    onboarding.accept_guidelines(person, version, now=utcnow())  # idempotent
    assert not onboarding.needs_guidelines(person, version)
    programme = update_programme(name="", purpose="p", guidelines="New rules",
                                 by_user_id=curator.id)
    assert onboarding.needs_guidelines(person, programme.guidelines_version)
    assert onboarding.accepted_version(person) == version


def test_onboarding_lands_on_a_queue_that_is_not_empty(db_session):
    quiet, busy = f.topic("Quiet"), f.topic("Busy")
    f.post(topics=(busy,))
    person = f.user()
    widened = onboarding.save_interests(person, [quiet.id], ["linkedin", "x"], now=utcnow())
    assert widened and person.topics == []
    from advocacy.queue.service import rank

    assert rank(person, utcnow()).items
    assert onboarding.profile(person).networks == ["linkedin", "x"]
    assert not onboarding.save_interests(person, [busy.id], [], now=utcnow())
    assert [t.name for t in person.topics] == ["Busy"]
