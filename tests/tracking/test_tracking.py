from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from advocacy.db import utcnow
from advocacy.tracking import service as tracking
from advocacy.tracking.models import Click
from tests import factories as f

SECRET = "s3cret"
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile"


def meta(ua=PHONE, ip="203.0.113.7", ref="https://www.linkedin.com/feed/"):
    return f.Visitor(remote_addr=ip, user_agent=ua, referrer=ref)


def test_click_is_recorded_and_redirect_has_utm(db_session):
    person = f.user()
    item = f.post(link="https://jobb.example.no/stilling?id=7&utm_source=old")
    record = f.share(person, item, "linkedin")
    now = utcnow()
    target = f.click(record.token, meta(), secret=SECRET, now=now)
    parts = urlsplit(target)
    assert parts.netloc == "jobb.example.no" and parts.path == "/stilling"
    assert parse_qs(parts.query) == {
        "id": ["7"],
        "utm_source": ["linkedin"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [f"post-{item.id}"],
        "utm_content": [record.reference],
    }
    click = db_session.scalar(select(Click))
    assert click.share_id == record.id
    assert click.referrer_host == "www.linkedin.com"
    assert click.is_bot is False
    assert click.created_at == now


def test_no_raw_ip_is_stored(db_session):
    record = f.share(f.user(), f.post())
    f.click(record.token, meta(ip="198.51.100.23"), secret=SECRET, now=utcnow())
    click = db_session.scalar(select(Click))
    stored = " ".join(str(getattr(click, c.key)) for c in Click.__table__.columns)
    assert "198.51.100.23" not in stored
    assert len(click.visitor_hash) == 64


def test_visitor_hash_same_visitor_same_day_differs_across_days_and_people():
    now = utcnow()

    def hashed(secret=SECRET, when=now, ip="203.0.113.7"):
        return tracking.visitor_hash_parts(secret, when, ip, PHONE)

    a = hashed()
    assert a == hashed(when=now + timedelta(seconds=1))
    assert a != hashed(ip="203.0.113.8")
    assert a != hashed(when=now + timedelta(days=1))
    assert a != hashed(secret="other-secret")


def test_link_preview_crawlers_are_flagged(db_session):
    record = f.share(f.user(), f.post())
    for ua in (
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Twitterbot/1.0",
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "",
    ):
        f.click(record.token, meta(ua=ua), secret=SECRET, now=utcnow())
    f.click(record.token, meta(), secret=SECRET, now=utcnow())
    flags = [c.is_bot for c in db_session.scalars(select(Click).order_by(Click.id))]
    assert flags == [True, True, True, True, True, False]


def test_unknown_token_records_nothing(db_session):
    f.share(f.user(), f.post())
    assert f.click("no-such-token", meta(), secret=SECRET, now=utcnow()) is None
    assert db_session.scalar(select(Click)) is None


def test_missing_or_odd_referrer():
    assert tracking.referrer_host(None) is None
    assert tracking.referrer_host("not a url") is None
    assert tracking.referrer_host("https://L.Facebook.com/x") == "l.facebook.com"
