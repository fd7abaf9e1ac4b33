"""Each corps-health indicator on small hand-made data with known answers."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from advocacy.activity.models import EventKind
from advocacy.activity.months import month_key
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild
from advocacy.extensions import db
from advocacy.insights.health import corps_health
from advocacy.insights.query import InsightsError, parse_query
from advocacy.insights.tables import Table, to_csv
from advocacy.programme.service import get_programme
from advocacy.sharing.service import share as make_share
from advocacy.tracking.models import Click
from tests import factories as f

TZ = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def person(unit, joined=datetime(2024, 1, 10, tzinfo=UTC), *roles, named=False, name=None):
    user = f.user(*(roles or ("ambassador",)), unit=unit, name=name)
    for role in user.roles:
        role.created_at = joined
    user.created_at = joined
    user.named_opt_in = named
    return user


def shares(user, when, n=1, lag=None, network="linkedin", post_id=None):
    for _ in range(n):
        record_event(EventKind.SHARE, user=user, now=when, network=network,
                     value=lag, post_id=post_id)


def health(viewer, scope=None, **args):
    rebuild(TZ, now=NOW)
    query = parse_query({k: str(v) for k, v in args.items()}, now=NOW, tz=TZ)
    return corps_health(viewer, scope, query, now=NOW, tz=TZ)


@pytest.fixture
def curator(db_session):
    return f.user("curator")


@pytest.fixture
def min_group(db_session):
    def set_to(n):
        get_programme().min_group_size = n
    set_to(5)
    return set_to


def rows(result, key, by="period"):
    return {row[by]: row for row in result.table(key).rows}


def test_shares_clicks_per_share_applications_and_year_over_year(curator, min_group):
    unit = f.unit("Care")
    people = [person(unit) for _ in range(5)]
    item = f.post(now=datetime(2024, 12, 1, tzinfo=UTC))
    made = [make_share(people[i], item, "linkedin", "x", datetime(2025, 3, 1 + i, tzinfo=UTC))
            for i in range(4)]
    for i, record in enumerate(made * 2):  # 8 human clicks in 2025, and one bot
        db.session.add(Click(share_id=record.id, created_at=datetime(2025, 4, 1 + i, tzinfo=UTC),
                               visitor_hash="v", is_bot=False))
    db.session.add(Click(share_id=made[0].id, created_at=datetime(2025, 4, 1, tzinfo=UTC),
                           visitor_hash="v", is_bot=True))
    later = [make_share(people[i % 5], item, "x", "y", datetime(2026, 2, 1 + i, tzinfo=UTC))
             for i in range(6)]
    for i in range(3):
        db.session.add(Click(share_id=later[i].id, created_at=datetime(2026, 2, 20, tzinfo=UTC),
                               visitor_hash="v", is_bot=False))
    record_event(EventKind.APPLICATION, user=None, now=datetime(2026, 3, 1, tzinfo=UTC))
    record_event(EventKind.APPLICATION, user=people[0],
                 now=datetime(2026, 3, 2, tzinfo=UTC))
    result = health(curator, years=2, resolution="year")
    table = rows(result, "activity")
    assert table["2025"] == {"period": "2025", "shares": 4, "clicks": 8, "clicks_per_share": 2.0,
                             "applications": 0, "shares_yoy": None, "clicks_yoy": None,
                             "applications_yoy": None}
    assert table["2026"] == {"period": "2026", "shares": 6, "clicks": 3,
                             "clicks_per_share": 0.5, "applications": 2, "shares_yoy": 50.0,
                             "clicks_yoy": -62.5, "applications_yoy": None}
    quarters = rows(health(curator, years=1, resolution="quarter"), "activity")
    assert quarters["2026 Q1"]["shares"] == 6 and quarters["2025 Q3"]["shares"] == 0


def test_enrolled_active_30_90_and_small_units_fold_into_other(curator, min_group):
    care, tiny = f.unit("Care"), f.unit("Tiny")
    people = [person(care) for _ in range(5)]
    shares(people[0], NOW - timedelta(days=10))
    shares(people[1], NOW - timedelta(days=20))
    shares(people[2], NOW - timedelta(days=60))
    shares(people[3], NOW - timedelta(days=200))
    person(tiny), person(tiny)
    overview = rows(health(curator, years=1), "overview", by="unit")
    # Care next to All would give Tiny = 7 - 5 = 2: Care is folded with it (complement)
    assert set(overview) == {"Other", "All"} and overview["Other"] == overview["All"] | {
        "unit": "Other"}
    assert overview["All"] == {"unit": "All", "enrolled": 7, "active_30": "<5",
                               "active_90": "<5", "active_share": None}
    big_unit = f.unit("Big")
    big = [person(big_unit) for _ in range(6)]
    for p in big[:5]:
        shares(p, NOW - timedelta(days=5))
    overview = rows(health(curator, years=1), "overview", by="unit")
    # Tiny's two join the smallest block at the top (Care); Big stands alone
    assert set(overview) == {"Big", "Other", "All"}
    assert overview["Big"] == {"unit": "Big", "enrolled": 6, "active_30": None,
                               "active_90": None, "active_share": None}  # 1 did not share
    assert overview["Other"]["enrolled"] == 7 and overview["All"]["enrolled"] == 13


def test_too_few_people_shows_nothing(curator, min_group):
    unit = f.unit()
    for _ in range(4):
        shares(person(unit), NOW - timedelta(days=3))
    result = health(curator, unit, years=1, unit=unit.id)
    assert result.enough_people is False and result.tables == []


def test_enrolment_over_time_follows_join_dates(curator, min_group):
    min_group(1)
    unit = f.unit()
    person(unit, datetime(2025, 2, 1, tzinfo=UTC))
    person(unit, datetime(2025, 8, 1, tzinfo=UTC))
    person(unit, datetime(2026, 1, 5, tzinfo=UTC))
    table = rows(health(curator, unit, years=2, resolution="year", unit=unit.id), "people")
    assert table["2025"]["enrolled"] == 2 and table["2026"]["enrolled"] == 3


def test_retention_by_cohort(curator, min_group):
    unit = f.unit()
    joined = datetime(2025, 1, 10, tzinfo=UTC)
    cohort = [person(unit, joined) for _ in range(5)]
    for p in cohort[:3]:
        shares(p, datetime(2025, 3, 10, tzinfo=UTC))  # month 2 after joining: counts for 3
    shares(cohort[0], datetime(2025, 7, 10, tzinfo=UTC))  # month 6
    late = [person(unit, datetime(2026, 2, 1, tzinfo=UTC)) for _ in range(2)]  # small cohort
    shares(late[0], datetime(2026, 4, 1, tzinfo=UTC))
    table = rows(health(curator, years=2), "retention", by="cohort")
    # two people alone would be All - 2025 Q1: the complement folds 2025 Q1 in as well
    assert set(table) == {"Other"} and table["Other"]["size"] == 7
    assert table["Other"]["m3"] == 57.1 and table["Other"]["m6"] is None  # 4 of 7; not yet
    late += [person(unit, datetime(2026, 2, 1, tzinfo=UTC)) for _ in range(3)]
    table = rows(health(curator, years=2), "retention", by="cohort")
    assert table["2025 Q1"] == {"cohort": "2025 Q1", "size": 5, "m3": 60.0, "m6": 20.0,
                                "m12": 0.0, "m24": None, "m36": None}
    assert table["2026 Q1"]["size"] == 5 and "Other" not in table


def test_concentration_of_activity_in_the_top_ten_percent(curator, min_group):
    unit = f.unit()
    people = [person(unit) for _ in range(10)]
    shares(people[0], datetime(2025, 5, 1, tzinfo=UTC), n=10)
    for p in people[1:]:
        shares(p, datetime(2025, 6, 1, tzinfo=UTC))
    for p in people[:3]:  # 2026: only three active, too few to show
        shares(p, datetime(2026, 2, 1, tzinfo=UTC))
    table = rows(health(curator, years=2, resolution="year"), "concentration")
    assert table["2025"] == {"period": "2025", "active": 10, "top_share": 52.6}  # 10 of 19
    assert table["2026"] == {"period": "2026", "active": "<5", "top_share": None}


def test_leaders_go_first_next_to_ambassadors(curator, min_group):
    unit = f.unit()
    leaders = [person(unit, datetime(2024, 1, 1, tzinfo=UTC), "ambassador", "leader")
               for _ in range(5)]
    others = [person(unit) for _ in range(5)]
    when = datetime(2026, 3, 3, tzinfo=UTC)
    for p in leaders:
        shares(p, when, lag=60)
    for p in others:
        shares(p, when, lag=48 * 60)
    table = rows(health(curator, years=1, resolution="year"), "leaders")["2026"]
    assert table == {"period": "2026", "leaders_sharing": 5, "leader_shares": 5,
                     "leader_hours": 1.0, "leader_early": 100.0, "other_shares": 5,
                     "other_hours": 48.0, "other_early": 0.0}


def test_few_leaders_are_not_shown(curator, min_group):
    unit = f.unit()
    [person(unit) for _ in range(5)]
    boss = person(unit, datetime(2024, 1, 1, tzinfo=UTC), "ambassador", "leader")
    shares(boss, datetime(2026, 3, 3, tzinfo=UTC), lag=30)
    result = health(curator, years=1, resolution="year")
    row = rows(result, "leaders")["2026"]
    assert row["leader_shares"] is None and row["leader_hours"] is None
    assert result.table("leaders").note


def test_networks_and_topics_over_time(curator, min_group):
    unit = f.unit()
    people = [person(unit) for _ in range(5)]
    nurses, doctors = f.topic("nurses"), f.topic("doctors")
    post = f.post(topics=(nurses,), now=datetime(2025, 1, 1, tzinfo=UTC))
    both = f.post(topics=(nurses, doctors), now=datetime(2025, 1, 1, tzinfo=UTC))
    shares(people[0], datetime(2026, 1, 5, tzinfo=UTC), n=3, network="linkedin",
           post_id=post.id)
    shares(people[1], datetime(2026, 2, 5, tzinfo=UTC), n=2, network="x", post_id=both.id)
    result = health(curator, years=1, resolution="year")
    networks = rows(result, "networks")["2026"]
    assert (networks["linkedin"], networks["x"], networks["facebook"]) == (3, 2, 0)
    topics = rows(result, "topics")["2026"]
    assert topics[f"t{nurses.id}"] == 5 and topics[f"t{doctors.id}"] == 2


def test_early_warning_units_whose_activity_fell(curator, min_group):
    falling, steady = f.unit("Falling"), f.unit("Steady")
    a = [person(falling) for _ in range(5)]
    b = [person(steady) for _ in range(5)]
    year_before, recent = datetime(2025, 4, 10, tzinfo=UTC), datetime(2026, 4, 10, tzinfo=UTC)
    shares(a[0], year_before, n=10)
    shares(a[1], recent, n=2)
    shares(b[0], year_before, n=4)
    shares(b[1], recent, n=4)
    table = rows(health(curator, years=1), "warnings", by="unit")
    assert table == {"Falling": {"unit": "Falling", "recent": 2, "year_before": 10,
                                 "change": -80.0}}


def test_regulars_who_stopped_are_named_to_curators_only(curator, min_group):
    unit = f.unit("Care")
    people = [person(unit, name=f"Regular {i}") for i in range(5)]
    # 2025-04 … 2026-03 is the year before the quiet spell (2026-04 … 2026-06)
    for p in people:
        shares(p, datetime(2025, 3, 15, tzinfo=UTC))  # before that year: not counted
        for month in range(4, 12):
            shares(p, datetime(2025, month, 15, tzinfo=UTC))
    shares(people[4], datetime(2026, 5, 2, tzinfo=UTC))  # still going
    named = health(curator, years=1).table("stopped")
    assert [r["name"] for r in named.rows] == [f"Regular {i}" for i in range(4)]
    assert named.rows[0]["active_months"] == 8 and named.rows[0]["last_month"] == "2025-11"
    leader = f.user("leader", unit=unit)
    anonymous = health(leader, unit, years=1, unit=unit.id).table("stopped")
    assert "name" not in dict(anonymous.columns)
    assert anonymous.rows == [{"unit": "Care (directly)", "people": "<5"}]  # 4 < 5
    min_group(4)
    anonymous = health(leader, unit, years=1, unit=unit.id).table("stopped")
    # 4 of 5 stopped: the one who did not would be 5 - 4 = 1, so the count is left out
    assert anonymous.rows == [{"unit": "Care (directly)", "people": None}]
    min_group(1)
    anonymous = health(leader, unit, years=1, unit=unit.id).table("stopped")
    assert anonymous.rows == [{"unit": "Care (directly)", "people": 4}]
    # the month turned and the rollup has not run since: the monthly rows give the same
    rebuild(TZ, now=NOW - timedelta(days=40))
    query = parse_query({"years": "1"}, now=NOW, tz=TZ)
    stale = corps_health(curator, None, query, now=NOW, tz=TZ).table("stopped")
    assert stale.rows == named.rows


def test_named_tables_show_only_people_who_opted_in(curator, min_group):
    unit = f.unit()
    people = [person(unit, name=f"Quiet {i}") for i in range(4)]
    open_ = person(unit, named=True, name="Olivia Open")
    shares(open_, datetime(2026, 1, 5, tzinfo=UTC), n=2)
    shares(people[0], datetime(2026, 1, 5, tzinfo=UTC), n=7)
    leader = f.user("leader", unit=unit)
    from advocacy.endorsements.service import give_kudos

    give_kudos(leader, open_, "Thank you!", NOW - timedelta(days=2))
    give_kudos(leader, people[0], "Thanks, quietly", NOW - timedelta(days=2))
    result = health(leader, unit, years=1, unit=unit.id)
    assert [r["name"] for r in result.table("named").rows] == ["Olivia Open"]
    assert result.table("named").rows[0]["shares"] == 2
    assert [(r["name"], r["message"]) for r in result.table("kudos").rows] == [
        ("Olivia Open", "Thank you!")]


def test_long_lists_of_people_keep_their_first_rows_on_the_page(curator, min_group):
    unit = f.unit()
    people = [person(unit, named=True, name=f"Named {i}") for i in range(6)]
    shares(people[5], datetime(2026, 1, 5, tzinfo=UTC), n=3)
    rebuild(TZ, now=NOW)
    query = parse_query({"years": "1"}, now=NOW, tz=TZ)
    page = corps_health(curator, None, query, now=NOW, tz=TZ, rows=4).table("named")
    assert [r["name"] for r in page.rows] == [f"Named {i}" for i in range(4)]
    assert page.total_rows == 6
    full = corps_health(curator, None, query, now=NOW, tz=TZ, rows=None).table("named")
    assert full.total_rows is None and len(full.rows) == 6 and full.rows[5]["shares"] == 3


@pytest.mark.parametrize("args, message", [
    ({"years": "0"}, "1 to 10 years"),
    ({"years": "11"}, "1 to 10 years"),
    ({"years": "five"}, "YYYY-MM"),
    ({"from": "2026-05", "to": "2026-01"}, "comes after"),
    ({"from": "2026-13"}, "YYYY-MM"),
    ({"to": "2026-07"}, "future"),
    ({"from": "1999-12"}, "2000"),
    ({"from": "2010-01", "to": "2026-01"}, "1 to 10 years"),
    ({"resolution": "week"}, "month, quarter or year"),
    ({"unit": "abc"}, "Unknown unit"),
])
def test_bad_filters_are_refused_with_a_reason(app, args, message):
    with app.test_request_context():
        with pytest.raises(InsightsError) as caught:
            parse_query(args, now=NOW, tz=TZ)
        assert message in str(caught.value)


def test_query_defaults_and_spans():
    query = parse_query({"years": "2", "resolution": "month"}, now=NOW, tz=TZ)
    assert (month_key(query.first_month), month_key(query.last_month)) == (
        "2024-07", "2026-06")
    query = parse_query({"from": "2017-01", "to": "2026-12"},
                        now=datetime(2027, 1, 2, tzinfo=UTC), tz=TZ)
    assert query.years == 10


def test_csv_cells_that_spreadsheets_would_run_are_defused():
    table = Table("t", "T", [("a", "=A"), ("b", "B")], [
        {"a": "=HYPERLINK(\"http://evil\")", "b": -12.5},
        {"a": "+1", "b": None}, {"a": "-x", "b": 3}, {"a": "@SUM(A1)", "b": "ok"},
        {"a": "\tTab", "b": "\rCR"},
    ])
    lines = to_csv(table).splitlines()
    assert lines[0] == "'=A,B"
    assert lines[1] == "\"'=HYPERLINK(\"\"http://evil\"\")\",-12.5"
    assert lines[2:5] == ["'+1,", "'-x,3", "'@SUM(A1),ok"]
    rows = list(csv.reader(io.StringIO(to_csv(table), newline="")))
    assert rows[5] == ["'\tTab", "'\rCR"]
    # full-width formula signs, which spreadsheets also run (the insights copy missed them)
    wide = Table("t", "T", [("a", "A")], [{"a": "\uff1dSUM(A1)"}, {"a": "\uff0b1"}])
    assert to_csv(wide).splitlines()[1:] == ["'\uff1dSUM(A1)", "'\uff0b1"]


def test_table_rows_are_escaped_and_blank_figures_say_why(app):
    from advocacy.insights.views import table_body

    table = Table("named", "T", [("name", "Name"), ("shares", "Shares"),
                                 ("share", "Share"), ("user_id", "")], [
        {"name": "<script>alert(1)</script>", "shares": 3, "share": 52.6, "user_id": 7},
        {"name": "Ola & Kari \"O'Neill\"", "shares": None, "share": None, "user_id": None},
    ])
    with app.test_request_context():
        html = str(table_body(table, "Too <few>", linked=True))
    first, second = html.split("\n")
    assert first == ('<tr><th scope="row"><a href="/insights/people/7">&lt;script&gt;alert(1)'
                     '&lt;/script&gt;</a></th><td>3</td><td>52.6</td></tr>')
    assert "<script>" not in html and "&amp; Kari &quot;O&#x27;Neill&quot;" in second
    assert second.count('<td><span title="Too &lt;few&gt;">–</span></td>') == 2
