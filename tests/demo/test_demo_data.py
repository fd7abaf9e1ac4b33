"""The demo municipality: a believable organisation and years of consistent activity."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from advocacy.accounts.models import Role, Unit, User
from advocacy.accounts.service import check_password, descendant_ids, hash_password
from advocacy.activity.models import ActivityEvent, PersonMonth, UnitMembership, UnitMonth
from advocacy.activity.months import month_of
from advocacy.activity.recording import minutes_since_live
from advocacy.activity.rollup import rollup_recent
from advocacy.activity.unit_history import unit_at, unit_history
from advocacy.content.models import NETWORK_LIMITS, Post, PostVariant, Topic, post_units
from advocacy.demo import generate, words
from advocacy.demo.catalogue import DEMO_PASSWORD, DOMAIN, REFERRERS
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos
from advocacy.extensions import db
from advocacy.insights.health import corps_health
from advocacy.insights.query import parse_query
from advocacy.programme.models import Programme
from advocacy.queue.models import QueueDecision
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click
from tests.conftest import make_app, upgrade

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
TZ = ZoneInfo("Europe/Oslo")
FIXED_LOGINS = ("admin", "kurator", "kurator2", "leder", "ambassador")
SECTORS = {"Helse og omsorg", "Oppvekst", "Teknisk", "Kultur", "Administrasjon"}


def fill(session, password_hash: str = "not-a-hash", **options):
    params = {"ambassadors": 40, "years": 2, "seed": 7, "now": NOW, "tz": TZ}
    params.update(options)
    return generate.fill(session.connection(), password_hash=password_hash, **params)


def test_unit_tree_people_and_roles(db_session):
    assert generate.existing_data(db_session.connection()) == []
    password_hash = hash_password(DEMO_PASSWORD)
    summary = fill(db_session, password_hash=password_hash)

    root = db_session.scalar(select(Unit).where(Unit.parent_id.is_(None)))
    assert root.name == "Eksempel kommune"
    assert {u.name for u in root.children} == SECTORS
    helse = next(u for u in root.children if u.name == "Helse og omsorg")
    sykehjem = next(u for u in helse.children if u.name == "Sykehjem")
    assert "Solbakken sykehjem" in {u.name for u in sykehjem.children}
    assert {"Legevakt", "Hjemmetjenesten"} <= {u.name for u in helse.children}

    users = db_session.scalars(select(User)).all()
    assert all(u.email.endswith(f"@{DOMAIN}") for u in users)
    assert len({u.email for u in users}) == len(users)
    ambassadors = [u for u in users if u.has_role("ambassador")]
    assert len(ambassadors) == 40
    assert [u.email for u in users if u.has_role("admin")] == [f"admin@{DOMAIN}"]
    assert len([u for u in users if u.has_role("curator")]) >= 2
    led = {uid for u in users for uid in u.led_unit_ids}
    assert {root.id, *(u.id for u in root.children)} <= led
    locales = Counter(u.locale for u in users)
    assert set(locales) <= {"nb", "en"} and locales["nb"] > len(users) / 2
    assert {u.title for u in users} >= {"sykepleier", "kommunedirektør"}

    with_password = {u.email for u in users if u.password_hash}
    assert with_password == {f"{name}@{DOMAIN}" for name in FIXED_LOGINS}
    assert [login.email for login in summary.logins] == [
        f"{name}@{DOMAIN}" for name in FIXED_LOGINS
    ]
    by_email = {u.email: u for u in users}
    assert check_password(by_email[f"ambassador@{DOMAIN}"], DEMO_PASSWORD)
    assert by_email[f"leder@{DOMAIN}"].led_unit_ids == {helse.id}
    assert by_email[f"kurator@{DOMAIN}"].role_names == {"curator", "ambassador"}

    programme = db_session.get(Programme, 1)
    assert "Eksempel kommune" in programme.purpose and "taushetsplikt" in programme.guidelines
    assert db_session.scalar(select(func.count()).select_from(Topic)) >= 8
    assert generate.existing_data(db_session.connection()) != []


def test_posts_have_fitting_texts_kinds_and_audiences(db_session):
    fill(db_session)
    variants = db_session.scalars(select(PostVariant)).all()
    assert variants
    for variant in variants:
        assert variant.text.strip()
        assert len(variant.text) <= NETWORK_LIMITS[variant.network]
    assert any(v.network == "x" for v in variants)
    assert max(len(v.text) for v in variants if v.network == "x") <= 280

    posts = db_session.scalars(select(Post)).all()
    assert {p.kind for p in posts} == {"story", "job", "event", "news"}
    status = Counter(p.status for p in posts)
    assert status["archived"] > status["live"] > 0
    assert all(p.variants for p in posts)
    assert all(p.published_at is None for p in posts if p.status == "draft")
    for post in posts:
        assert post.created_at <= NOW and post.link.startswith("https://")
        if post.status == "live" and post.ends_at is not None:
            assert post.ends_at > NOW
        if post.status == "archived":
            assert post.published_at < NOW
    live = [p for p in posts if p.status == "live" and p.published_at]
    assert all(p.published_at > NOW - timedelta(days=130) for p in live)
    assert any(p.topics for p in posts)
    assert db_session.scalar(select(func.count()).select_from(post_units)) > 0


def test_shares_clicks_and_decisions_are_consistent(db_session):
    fill(db_session)
    users = {u.id: u for u in db_session.scalars(select(User))}
    posts = {p.id: p for p in db_session.scalars(select(Post))}
    shares = db_session.scalars(select(Share)).all()
    assert len(shares) > 100
    for share in shares:
        assert share.user_id in users and users[share.user_id].has_role("ambassador")
        assert share.user.created_at <= share.created_at
        post = posts[share.post_id]
        assert post.variant(share.network) is not None
        assert post.published_at <= share.created_at <= NOW
        assert post.ends_at is None or share.created_at <= post.ends_at
        assert len(share.text) <= NETWORK_LIMITS[share.network]
        assert re.fullmatch(r"[A-Za-z0-9_-]{16,32}", share.token)
    assert len({s.token for s in shares}) == len(shares)
    by_user = Counter(s.user_id for s in shares)
    top = sorted(by_user.values(), reverse=True)
    assert sum(top[: max(1, len(top) // 5)]) > sum(top) / 3  # a minority shares a lot

    share_at = {s.id: s.created_at for s in shares}
    clicks = db_session.scalars(select(Click)).all()
    assert len(clicks) > len(shares)
    hosts = {h for pairs in REFERRERS.values() for h, _w in pairs}
    for click in clicks:
        assert share_at[click.share_id] < click.created_at <= NOW
        assert re.fullmatch(r"[0-9a-f]{64}", click.visitor_hash)
        assert click.referrer_host in hosts
    bots = sum(c.is_bot for c in clicks) / len(clicks)
    assert 0.005 < bots < 0.15
    visitors = {c.visitor_hash for c in clicks}
    assert len(visitors) < len(clicks)  # some visitors come back

    decisions = db_session.scalars(select(QueueDecision)).all()
    assert {d.choice for d in decisions} == {"skipped", "snoozed"}
    shared_pairs = {(s.user_id, s.post_id) for s in shares}
    assert all((d.user_id, d.post_id) not in shared_pairs for d in decisions)
    assert all(d.snoozed_until is None for d in decisions if d.choice == "skipped")


def test_activity_spans_the_years_with_seasons(db_session):
    summary = fill(db_session, ambassadors=60, years=3)
    start = NOW - timedelta(days=round(3 * 365.25))
    assert start <= summary.first_share < start + timedelta(days=45)
    assert NOW - timedelta(days=30) < summary.last_share <= NOW
    times = db_session.scalars(select(Share.created_at)).all()
    assert all(t.tzinfo is not None for t in times)
    months = Counter(t.month for t in times)
    assert months[7] < months[9] and months[12] < months[2]
    joined = db_session.scalars(select(User.created_at)).all()
    assert max(joined) - min(joined) > timedelta(days=365)  # people join over the years


def test_activity_record_is_what_the_services_would_have_written(db_session):
    fill(db_session, ambassadors=160, years=3)
    users = {u.id: u for u in db_session.scalars(select(User))}
    posts = {p.id: p for p in db_session.scalars(select(Post))}
    history = unit_history()
    events = db_session.scalars(select(ActivityEvent).order_by(ActivityEvent.id)).all()
    assert [e.occurred_at for e in events] == sorted(e.occurred_at for e in events)
    by_kind: dict[str, dict[int, ActivityEvent]] = {}
    for event in events:
        assert event.occurred_at <= NOW
        person = users[event.user_id]
        # the unit and role at that moment, as record_event() takes them
        assert event.unit_id == unit_at(history[person.id], event.occurred_at)
        assert event.as_leader == person.has_role("leader")
        kind = by_kind.setdefault(event.kind, {})
        assert event.ref_id not in kind  # one event per act
        kind[event.ref_id] = event

    shares = db_session.scalars(select(Share)).all()
    assert set(by_kind["share"]) == {s.id for s in shares}
    for share in shares:
        event = by_kind["share"][share.id]
        assert (event.user_id, event.post_id, event.network, event.occurred_at) == (
            share.user_id, share.post_id, share.network, share.created_at)
        assert event.value == minutes_since_live(posts[share.post_id],
                                                 share.created_at)
    decisions = db_session.scalars(select(QueueDecision)).all()
    for decision in decisions:
        event = by_kind[{"skipped": "skip", "snoozed": "snooze"}[decision.choice]][decision.id]
        assert (event.user_id, event.post_id, event.occurred_at) == (
            decision.user_id, decision.post_id, decision.created_at)
    assert len(by_kind["skip"]) + len(by_kind["snooze"]) == len(decisions)

    # leaders share, and sooner after a post goes live than the others
    lags = {True: [], False: []}
    for event in by_kind["share"].values():
        lags[event.as_leader].append(event.value)
    assert lags[True] and sum(lags[True]) / len(lags[True]) < sum(lags[False]) / len(lags[False])

    endorsements = db_session.scalars(select(Endorsement)).all()
    assert 0 < len(endorsements) < len(posts)
    for endorsement in endorsements:
        leader, post = users[endorsement.leader_id], posts[endorsement.post_id]
        assert leader.led_unit_ids and post.published_at <= endorsement.created_at <= NOW
        assert post.ends_at is None or endorsement.created_at <= post.ends_at
        assert by_kind["endorse"][endorsement.id].post_id == post.id
    requests = db_session.scalars(select(EndorsementRequest)).all()
    assert {users[r.leader_id].email for r in requests} == {f"leder@{DOMAIN}"}
    assert all(posts[r.post_id].status == "live" and r.answered_at is None for r in requests)

    kudos = db_session.scalars(select(Kudos)).all()
    assert kudos
    for given in kudos:
        leader = users[given.from_user_id]
        area = descendant_ids(leader.led_unit_ids)
        assert given.to_user_id != leader.id and given.message.strip()
        assert unit_at(history[given.to_user_id], given.created_at) in area
        assert by_kind["kudos_given"][given.id].user_id == leader.id
        assert by_kind["kudos_received"][given.id].user_id == given.to_user_id

    # some people moved: their history is kept as move_to_unit keeps it
    stints = db_session.scalars(select(UnitMembership).order_by(UnitMembership.valid_from)).all()
    moved: dict[int, list[UnitMembership]] = {}
    for stint in stints:
        moved.setdefault(stint.user_id, []).append(stint)
    assert moved
    for user_id, rows in moved.items():
        assert len(rows) >= 2 and rows[-1].valid_to is None
        assert rows[-1].unit_id == users[user_id].unit_id
        assert rows[0].valid_from == users[user_id].created_at
        for before, after in zip(rows, rows[1:], strict=False):
            assert before.valid_to == after.valid_from and before.unit_id != after.unit_id
    old_units = {e.unit_id for e in by_kind["share"].values()
                 if e.user_id in moved and e.unit_id != users[e.user_id].unit_id}
    assert old_units  # shares before a move stay with the old unit

    ambassadors = [u for u in users.values() if u.has_role("ambassador")]
    assert all(u.joined_at == u.created_at and u.is_participant
               for u in ambassadors if u.active)
    named = [u for u in ambassadors if u.named_opt_in]
    assert 0 < len(named) < len(ambassadors) / 3


def test_rollups_are_ready_for_the_dashboards(db_session):
    # Cohorts fold block by block (issue 10): 60 ambassadors in the demo's many small units
    # are one cohort "Other"; an organisation of 300 has cohorts of its own.
    fill(db_session, ambassadors=300, years=3)
    shares = dict(db_session.execute(select(Share.user_id, func.count()).group_by(Share.user_id))
                  .tuples().all())
    rolled = dict(db_session.execute(select(PersonMonth.user_id, func.sum(PersonMonth.shares))
                                     .group_by(PersonMonth.user_id)).tuples().all())
    assert {k: int(v) for k, v in rolled.items() if v} == shares
    assert db_session.scalar(select(func.sum(UnitMonth.clicks))) == db_session.scalar(
        select(func.count()).select_from(Click).where(Click.is_bot.is_(False)))
    # the high-water marks are set: the next incremental run has only the present month to do
    assert rollup_recent(NOW, TZ) == [month_of(NOW, TZ)]

    curator = db_session.scalar(select(User).where(User.email == f"kurator@{DOMAIN}"))
    query = parse_query({"years": "3", "resolution": "year"}, now=NOW, tz=TZ)
    health = corps_health(curator, None, query, now=NOW, tz=TZ)
    years = {row["period"]: row for row in health.table("activity").rows}
    assert all(years[str(y)]["shares"] > 0 and years[str(y)]["clicks"] > 0
               for y in (2023, 2024, 2025, 2026))
    cohorts = health.table("retention").rows
    assert len(cohorts) >= 2 and any(row["m3"] for row in cohorts)
    people = {row["period"]: row for row in health.table("people").rows}
    assert people["2023"]["enrolled"] < people["2026"]["enrolled"]
    assert health.table("kudos").rows or health.table("named").rows


def snapshot(session) -> dict:
    """The generated data without database ids, which PostgreSQL sequences may shift."""
    emails = dict(session.execute(select(User.id, User.email)).tuples().all())
    links = dict(session.execute(select(Post.id, Post.link)).tuples().all())
    tokens = dict(session.execute(select(Share.id, Share.token)).tuples().all())
    return {
        "users": session.execute(
            select(User.email, User.name, User.title, User.locale, User.created_at)
            .order_by(User.email)).all(),
        "posts": session.execute(
            select(Post.link, Post.title, Post.kind, Post.status, Post.published_at)
            .order_by(Post.link)).all(),
        "shares": sorted(
            (s.token, emails[s.user_id], links[s.post_id], s.network, s.text, s.created_at)
            for s in session.scalars(select(Share))),
        "clicks": sorted(
            (tokens[c.share_id], c.created_at, c.visitor_hash, c.referrer_host or "", c.is_bot)
            for c in session.scalars(select(Click))),
        "events": sorted(
            (e.kind, e.occurred_at, emails[e.user_id], e.as_leader, e.network or "",
             -1 if e.value is None else e.value)
            for e in session.scalars(select(ActivityEvent))),
        "kudos": sorted((emails[k.from_user_id], emails[k.to_user_id], k.message, k.created_at)
                        for k in session.scalars(select(Kudos))),
    }


def test_same_seed_gives_the_same_data(db_session):
    fill(db_session, ambassadors=25, years=1, seed=11)
    first = snapshot(db_session)
    db_session.rollback()
    assert db_session.scalar(select(func.count()).select_from(User)) == 0
    fill(db_session, ambassadors=25, years=1, seed=11)
    assert snapshot(db_session) == first
    db_session.rollback()
    fill(db_session, ambassadors=25, years=1, seed=12)
    other = snapshot(db_session)
    assert other["users"] != first["users"] and other["shares"] != first["shares"]


def test_text_helpers():
    long = " ".join(["sykepleier"] * 60)
    short = words.fit_text(long, 280)
    assert len(short) <= 280 and short.endswith("…")
    assert words.fit_text("kort", 280) == "kort"
    assert words.slug("Bjørkeli barnehage – Åpen dag") == "bjorkeli-barnehage-apen-dag"


@pytest.fixture
def cli_app(tmp_path):
    """A fresh app on its own SQLite file: the command commits, so not the shared test DB."""
    application = make_app(f"sqlite:///{tmp_path / 'demo.db'}")
    upgrade(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def count_users(app) -> int:
    with app.app_context():
        try:
            return db.session.scalar(select(func.count()).select_from(User))
        finally:
            db.session.remove()


def test_cli_fills_once_and_never_duplicates(cli_app):
    runner = cli_app.test_cli_runner()
    args = ["demo-data", "--ambassadors", "20", "--years", "1", "--seed", "3"]

    result = runner.invoke(args=[*args, "--if-empty"])
    assert result.exit_code == 0, result.output
    assert f"admin@{DOMAIN}" in result.output and DEMO_PASSWORD in result.output
    users = count_users(cli_app)
    assert users == 21  # the ambassadors and the admin

    with cli_app.app_context():
        admin = db.session.scalar(select(User).where(User.email == f"admin@{DOMAIN}"))
        assert check_password(admin, DEMO_PASSWORD)
        assert db.session.scalar(select(func.count()).select_from(Share)) > 0
        assert db.session.scalar(select(func.count()).select_from(Role)) > users
        assert db.session.scalar(select(func.count()).select_from(ActivityEvent)) > 0
        assert db.session.scalar(select(func.count()).select_from(PersonMonth)) > 0
        db.session.remove()

    again = runner.invoke(args=[*args, "--if-empty"])
    assert again.exit_code == 0 and "not loaded" in again.output
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "already holds data" in refused.output
    assert count_users(cli_app) == users


def test_cli_rejects_bad_options_and_changes_nothing(cli_app):
    runner = cli_app.test_cli_runner()
    result = runner.invoke(args=["demo-data", "--ambassadors", "3"])
    assert result.exit_code == 2 and "--ambassadors" in result.output
    result = runner.invoke(args=["demo-data", "--now", "yesterday"])
    assert result.exit_code == 2 and "--now" in result.output
    assert count_users(cli_app) == 0


def test_cli_now_fixes_the_moment(cli_app):
    args = ["demo-data", "--ambassadors", "20", "--years", "1", "--now", "2025-03-01T12:00"]
    result = cli_app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    with cli_app.app_context():
        last = db.session.scalar(select(func.max(Share.created_at)))
        db.session.remove()
    assert datetime(2025, 2, 1, tzinfo=UTC) < last <= datetime(2025, 3, 1, 12, tzinfo=UTC)
