"""demo-data makes the channel report and the rollups' application counts non-empty."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from advocacy.activity.models import UnitMonth
from advocacy.content.models import Post
from advocacy.demo import generate
from advocacy.recruitment import report
from advocacy.recruitment.models import Application
from advocacy.sharing.models import Share

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)


def test_demo_data_has_jobs_with_references_and_applications(db_session):
    generate.fill(db_session.connection(), password_hash="x", ambassadors=40, years=2, seed=7,
                  now=NOW, tz=ZoneInfo("Europe/Oslo"))
    jobs = db_session.scalars(select(Post).where(Post.kind == "job")).all()
    assert jobs and all(p.job_reference for p in jobs)
    refs = list(db_session.scalars(select(Share.reference)))
    assert refs and len(set(refs)) == len(refs)
    shared = db_session.scalar(select(func.count()).select_from(Application)
                               .where(Application.share_id.is_not(None)))
    assert shared > 0
    assert db_session.scalar(select(func.sum(UnitMonth.applications))) == shared
    years = report.yearly(3, NOW, ZoneInfo("Europe/Oslo"))
    assert sum(r.applications for r in years) == db_session.scalar(
        select(func.count()).select_from(Application))
    assert any(line.key == "job_board" for r in years for line in r.lines)
