"""Issue 10 item 8: every click figure reads one owner (raw rows where kept, rollups and
pruned counts where retention ran) and stays the same before and after retention; the two
yearly tables of *My activity* agree, also across a new year."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

from advocacy.activity.clicks import person_months, share_totals
from advocacy.activity.personal import personal_activity, years_side_by_side
from advocacy.activity.rollup import rollup_recent
from advocacy.content import variants
from advocacy.db import utcnow
from advocacy.privacy.retention import run_retention
from advocacy.reminders.planning import year_so_far
from tests import factories as f

OSLO = ZoneInfo("Europe/Oslo")
T0 = datetime(2024, 3, 5, 9, 0, tzinfo=UTC)


def meta(ip, ua="Mozilla/5.0 Firefox/128"):
    return f.Visitor(remote_addr=ip, user_agent=ua, referrer=None)


def click(share, when, n):
    f.click(share.token, meta(f"203.0.113.{n % 250}"), secret="s", now=when)


def figures(person, post):
    pages = personal_activity(person, OSLO)
    return {
        "side": [(y["year"], y["shares"], y["clicks"])
                 for y in years_side_by_side(person.id, OSLO)],
        "years": [(y.key, y.shares, y.clicks) for y in pages],
        "months": [(m.key, m.shares, m.clicks) for y in pages for m in y.months],
        "variants": sorted((r["variant"].label, r["shares"], r["clicks"])
                           for r in variants.variant_stats(post)),
        "year_2024": year_so_far(person.id, 2024, datetime(2025, 1, 1, tzinfo=OSLO), OSLO),
        "year_2025": year_so_far(person.id, 2025, datetime(2025, 6, 1, tzinfo=OSLO), OSLO),
    }


def test_the_yearly_tables_agree_when_a_share_is_clicked_in_the_next_year(db_session):
    """The cause of 7 vs 8: one table counted a share's clicks in the year it was shared,
    the other in the year the clicks happened. Now both count when they happened."""
    person = f.user(unit=f.unit())
    post = f.post(now=T0)
    new_years_eve = datetime(2024, 12, 31, 22, 0, tzinfo=OSLO)
    late = f.share(person, post, now=new_years_eve.astimezone(UTC))
    for n in range(7):
        click(late, new_years_eve + timedelta(minutes=n), n)
    click(late, datetime(2025, 1, 1, 0, 30, tzinfo=OSLO), 99)  # after midnight in Oslo
    got = figures(person, post)
    assert got["side"] == [(2024, 1, 7), (2025, 0, 1)]
    assert got["years"] == [("2025", 0, 1), ("2024", 1, 7)]
    # the January month lists the share that earned the click, with that month's click
    jan = personal_activity(person, OSLO)[0].months[0]
    assert [(line.share_id, line.clicks) for line in jan.lines] == [(late.id, 1)]


def test_every_click_figure_is_the_same_before_and_after_retention(db_session):
    person = f.user(unit=f.unit())
    post = f.post(now=T0 - timedelta(days=1), texts={"x": "A"}, texts_b={"x": "B"})
    other = f.user(unit=person.unit)
    mine = f.share(person, post, "x", now=T0)
    theirs = f.share(other, post, "x", now=T0)
    for n in range(5):
        click(mine, T0 + timedelta(days=n * 20), n)
    click(theirs, T0 + timedelta(days=1), 50)
    f.click(mine.token, meta("203.0.113.200", "Twitterbot/1.0"), secret="s",
                          now=T0)  # a bot: never counted
    later = f.share(person, f.post(now=T0), "linkedin", now=datetime(2025, 2, 1, tzinfo=UTC))
    click(later, datetime(2025, 2, 2, tzinfo=UTC), 7)
    with time_machine.travel(datetime(2025, 3, 1, tzinfo=UTC), tick=False):
        rollup_recent(utcnow(), OSLO)
        before = figures(person, post)
        months_before = person_months(person.id, OSLO)
        assert all(m.kept for m in months_before.values())
        report = run_retention(utcnow(), OSLO)
        assert report.clicks_pruned == 7  # everything of 2024, bot included
        after = figures(person, post)
    assert after == before
    # a kept month's lines add up to the month; a pruned month's lines say "not kept"
    for year in personal_activity(person, OSLO):
        for month in year.months:
            if month.kept:
                assert sum(line.clicks for line in month.lines) == month.clicks
            else:
                assert all(line.clicks is None for line in month.lines)
    assert before["side"] == [(2024, 1, 5), (2025, 1, 1)]
    assert sum(r[2] for r in before["variants"]) == 6
    assert before["year_2024"] == {"shares": 1, "clicks": 5}
    assert share_totals([mine.id, theirs.id, later.id]) == {mine.id: 5, theirs.id: 1,
                                                           later.id: 1}
    months_after = person_months(person.id, OSLO)
    assert {m: c.clicks for m, c in months_after.items()} == \
        {m: c.clicks for m, c in months_before.items()}
    # pruned months keep their clicks but not their visitors: "not kept", never 0
    pruned = [c for c in months_after.values() if not c.kept]
    assert pruned and all(c.visitors is None for c in pruned)
    year_2024 = personal_activity(person, OSLO)[-1]
    assert year_2024.key == "2024" and year_2024.visitors is None and year_2024.clicks == 5
    assert personal_activity(person, OSLO)[0].visitors == 1  # 2025 is still raw
