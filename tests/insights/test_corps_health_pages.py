"""Corps health through HTTP: which units and people a leader or curator sees, the CSV
exports equal to the pages, the folding by blocks of leaders who shared."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from advocacy.activity.models import EventKind, PersonMonth
from advocacy.activity.recording import record_event
from advocacy.activity.rollup import rebuild
from advocacy.programme.service import get_programme
from tests import factories as f


def _activity(org):
    when = datetime.now(UTC) - timedelta(days=40)
    for group in org["people"].values():
        for p in group:
            record_event(EventKind.SHARE, user=p, now=when, network="linkedin")
    rebuild(ZoneInfo("Europe/Oslo"))


def test_leader_sees_own_units_with_sub_units_and_a_chart_with_a_table(client, login, org):
    _activity(org)
    login(org["health_leader"])
    response = client.get("/insights/health")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Corps health: Health" in page
    assert 'data-chart="chart-activity"' in page and 'id="table-activity"' in page
    assert 'type="application/json" id="chart-data"' in page
    assert "<script>" not in page  # CSP: no inline scripts
    assert client.get(f"/insights/health?unit={org['ward'].id}").status_code == 200
    for name in ("Nurse 0", "Teacher 0"):
        assert name not in page  # nobody opted in to being named


@pytest.mark.parametrize("path", ["/insights/health?unit={u}", "/insights/health.csv?unit={u}"
                                  "&table=activity"])
def test_leader_gets_403_for_other_and_unknown_units_alike(client, login, org, path):
    login(org["health_leader"])
    other = client.get(path.format(u=org["schools"].id))
    unknown = client.get(path.format(u=987654))
    assert other.status_code == unknown.status_code == 403
    assert "Schools" not in other.get_data(as_text=True)


def test_curator_sees_everything_and_unknown_units_are_404(client, login, org):
    _activity(org)
    login(f.user("curator"))
    assert client.get("/insights/health").status_code == 200
    assert client.get(f"/insights/health?unit={org['schools'].id}").status_code == 200
    assert client.get("/insights/health?unit=987654").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("years=11", "1 to 10 years"),
    ("from=2025-05&to=2025-01", "comes after"),
    ("from=2025-99", "YYYY-MM"),
    ("resolution=fortnight", "month, quarter or year"),
    ("to=2999-01", "future"),
])
def test_bad_ranges_get_400_with_a_clear_message(client, login, org, query, message):
    login(f.user("curator"))
    response = client.get(f"/insights/health?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert client.get(f"/insights/health.csv?table=activity&{query}").status_code == 400


def test_csv_export_folds_small_groups_and_defuses_formulas(client, login, org, db_session):
    f.user(unit=f.unit("=cmd|' /C calc'!A0"))  # one person in a unit with a nasty name
    _activity(org)
    login(f.user("curator"))
    response = client.get("/insights/health.csv?table=overview&years=1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert "=cmd" not in text  # the small unit is folded into Other, never named
    # one person alone would be All minus the rest: the smallest unit at the top folds too
    assert "Other" in text and "Schools" in text and "Health" not in text
    assert client.get("/insights/health.csv?table=nope").status_code == 400


def test_person_page_only_for_opted_in_people_in_the_leaders_units(client, login, org):
    nurse, teacher = org["people"]["health"][0], org["people"]["schools"][0]
    login(org["health_leader"])
    assert client.get(f"/insights/people/{nurse.id}").status_code == 403
    nurse.named_opt_in = teacher.named_opt_in = True
    assert client.get(f"/insights/people/{nurse.id}").status_code == 200
    assert client.get(f"/insights/people/{teacher.id}").status_code == 403  # not her unit
    assert client.get("/insights/people/987654").status_code == 403  # reveals nothing
    client.post("/logout")
    login(f.user("admin"))
    assert client.get("/insights/people/987654").status_code == 404


def test_opted_in_person_and_their_kudos_show_on_the_unit_page(client, login, org, db_session):
    nurse = org["people"]["health"][0]
    nurse.named_opt_in = True
    _activity(org)
    login(org["health_leader"])
    client.post("/kudos", data={"recipient_id": nurse.id, "message": "Thanks for sharing"})
    client.post("/kudos", data={"recipient_id": org["people"]["health"][1].id,
                                "message": "Secret thanks"})
    client.get("/kudos")  # shows (and clears) the "sent" message
    page = client.get("/insights/health").get_data(as_text=True)
    assert "Nurse 0" in page and "Thanks for sharing" in page
    assert "Nurse 1" not in page and "Secret thanks" not in page
    assert f"/insights/people/{nurse.id}" in page


def test_cli_rebuild_and_rollup_and_the_task(app, org, db_session):
    _activity(org)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["activity", "rebuild"])
    assert result.exit_code == 0 and "rebuilt" in result.output
    assert db_session.scalar(select(func.sum(PersonMonth.shares))) == 10
    result = runner.invoke(args=["activity", "rollup"])
    assert result.exit_code == 0 and "rolled up" in result.output
    from worker import tasks

    assert tasks.rollup_recent.name == "advocacy.activity.rollup_recent"
    months = tasks.rollup_recent()
    assert all(len(m) == 7 for m in months)
    assert db_session.scalar(select(func.sum(PersonMonth.shares))) == 10


def test_long_name_lists_show_their_first_rows_and_the_csv_has_all(client, login, db_session):
    get_programme().min_group_size = 5
    unit = f.unit("Big ward")
    for i in range(52):
        f.user(unit=unit, name=f"Named {i:02d}").named_opt_in = True
    rebuild(ZoneInfo("Europe/Oslo"))
    login(f.user("curator"))
    page = client.get("/insights/health").get_data(as_text=True)
    assert "The first 50 of 52 are shown here" in page
    assert "Named 49" in page and "Named 50" not in page
    text = client.get("/insights/health.csv?table=named").get_data(as_text=True)
    assert len(text.strip().splitlines()) == 53 and "Named 51" in text


def _page_tables(page: str) -> dict[str, list[list[str]]]:
    """Each data table of the page as rows of cell texts ("–" for a figure left out)."""
    out = {}
    for key, body in re.findall(r'<table class="data-table" id="table-([\w-]+)">.*?<tbody>(.*?)'
                                r"</tbody>", page, re.S):
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
            rows.append([html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in cells])
        out[key] = rows
    return out


def _machine(cell: str) -> str:
    """A cell as a number's value where it is one: the page writes numbers in the reader's
    format (100, 12,345.5 in en), the CSV in the machine's (100.0, 12345.5)."""
    if cell == "–":
        return ""
    try:
        return repr(float(cell.replace(",", "")))
    except ValueError:
        return cell


def test_every_csv_is_exactly_the_page_folding_a_single_sharing_leader_included(
    client, login, org, db_session
):
    when = datetime.now(UTC) - timedelta(days=40)
    for p in org["people"]["health"] + org["people"]["schools"]:
        record_event(EventKind.SHARE, user=p, now=when, network="linkedin")
    # five leaders in Health, of whom one shares: the page and the CSV must hide her alike
    for i in range(4):
        f.user("leader", unit=org["health"], name=f"Quiet leader {i}")
    record_event(EventKind.SHARE, user=org["health_leader"], now=when,
                 network="linkedin", value=30)
    rebuild(ZoneInfo("Europe/Oslo"))
    login(org["health_leader"])
    query = f"unit={org['health'].id}&years=1&resolution=year"
    page = client.get(f"/insights/health?{query}").get_data(as_text=True)
    tables = _page_tables(page)
    assert "leaders" in tables and "overview" in tables
    for key, rows in tables.items():
        text = client.get(f"/insights/health.csv?table={key}&{query}").get_data(as_text=True)
        csv_rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1:]
        assert [[_machine(c) for c in row] for row in rows] == \
            [[_machine(c) for c in row] for row in csv_rows], key
    leaders = tables["leaders"][-1]
    assert leaders[1] == "<5"  # one leader shared: a count under the minimum …
    assert leaders[2:] == ["–"] * 6  # … and neither side's figures (total minus the other)


def test_no_subtraction_across_the_scopes_a_leader_can_open(client, login, db_session):
    """The issue's example: All = 7 next to Care = 5 would give Other = 2."""
    get_programme().min_group_size = 5
    top = f.unit("Top")
    care, small = f.unit("Care", parent=top), f.unit("Small", parent=top)
    [f.user(unit=care) for _ in range(5)]
    [f.user(unit=small) for _ in range(2)]
    boss = f.user("leader", unit=top)
    rebuild(ZoneInfo("Europe/Oslo"))
    login(boss)
    figures = {}
    for unit in (top, care, small):
        text = client.get(f"/insights/health.csv?table=overview&unit={unit.id}").get_data(
            as_text=True)
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        figures[unit.name] = {row[0]: row[1] for row in rows[1:] if len(row) > 1}
    assert figures["Top"] == {"Other": "7", "All": "7"}  # Care is folded with Small
    assert figures["Care"] == {} and figures["Small"] == {}  # neither opens on its own


@pytest.mark.parametrize(("leaders_in", "shown", "hidden"), [
    # three sharing leaders in each of two units: together they show, apart they do not
    ({"Care": 3, "Small": 3}, {"Top": 6}, ("Care", "Small")),
    # five in Care and one directly in Top: Care alone would give Top minus Care = the one
    # leader, so Care folds into Top's block and only Top shows
    ({"Care": 5, "Top": 1}, {"Top": 6}, ("Care", "Small")),
])
def test_leaders_figures_are_sums_over_blocks_of_leaders_who_shared(
    client, login, db_session, leaders_in, shown, hidden
):
    """Issue 14 item 13 with issue 10's rule: the leaders-go-first figures of a period are
    shown where the scope is made of whole blocks of at least five leaders and five
    ambassadors who shared in it, so no figure or difference is about fewer."""
    get_programme().min_group_size = 5
    top = f.unit("Top")
    units = {"Top": top, "Care": f.unit("Care", parent=top), "Small": f.unit("Small", parent=top)}
    when = datetime.now(UTC) - timedelta(days=1)
    for name in ("Care", "Small"):
        for i in range(6):
            record_event(EventKind.SHARE, user=f.user(unit=units[name]), now=when,
                         network="linkedin", value=60 * (i + 1))
    for name, n in leaders_in.items():
        for _ in range(n):
            leader = f.user("ambassador", "leader", unit=units[name])
            record_event(EventKind.SHARE, user=leader, now=when, network="linkedin",
                         value=30)
    boss = f.user("leader", unit=top, led_units=(top,))
    rebuild(ZoneInfo("Europe/Oslo"))
    login(boss)
    year = str(when.astimezone(ZoneInfo("Europe/Oslo")).year)
    for name, unit in units.items():
        query = f"unit={unit.id}&years=1&resolution=year"
        page = client.get(f"/insights/health?{query}").get_data(as_text=True)
        rows = {r[0]: r for r in _page_tables(page).get("leaders", [])}
        text = client.get(f"/insights/health.csv?table=leaders&{query}").get_data(as_text=True)
        csv_rows = {r[0]: r for r in csv.reader(io.StringIO(text.lstrip("\ufeff")))}
        if name in shown:
            row = rows[year]
            assert row[1] == str(shown[name]), row  # leaders who shared, exact
            assert row[2] == str(shown[name]) and row[5] == "12", row  # their shares, others'
            assert row[3] == "0.5", row  # leaders' hours from publication (30 min)
            assert csv_rows[year][2] == str(shown[name])
        else:
            row = rows.get(year)
            assert row is None or row[2:] == ["–"] * 6, (name, row)
            assert row is None or row[1] in ("–", "<5"), (name, row)
            assert year not in csv_rows or csv_rows[year][2:] == [""] * 6, csv_rows
