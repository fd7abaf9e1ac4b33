"""Every route, every role, compared with a declared matrix. A new route without an entry fails."""

import pytest

from advocacy.db import utcnow
from advocacy.privacy.exports import build_export, export_token, request_export
from advocacy.privacy.models import PrivacyNotice
from advocacy.programme.service import get_programme
from tests import factories as f

ROLES = ("anonymous", "ambassador", "curator", "leader", "admin")
LOGIN = "login"  # anonymous users are sent to the login page

# endpoint -> (method, url template, {role: expected status})
ALL = dict.fromkeys(ROLES[1:], 200)


def curator_only(status: int) -> dict:
    return {"anonymous": LOGIN, "ambassador": 403, "curator": status, "leader": 403,
            "admin": status}


def ambassador_only(status: int) -> dict:
    return {"anonymous": LOGIN, "ambassador": status, "curator": 403, "leader": 403,
            "admin": status}

MATRIX = {
    "core.home": ("GET", "/", {"anonymous": LOGIN, **ALL}),
    "core.healthz": ("GET", "/healthz", dict.fromkeys(ROLES, 200)),
    "core.readyz": ("GET", "/readyz", dict.fromkeys(ROLES, 200)),
    "core.language": ("POST", "/language", dict.fromkeys(ROLES, 302)),
    "accounts.login": ("GET", "/login", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
    "accounts.login_link_request": ("GET", "/login/link", dict.fromkeys(ROLES, 200)),
    "accounts.login_link": ("GET", "/login/link/made-up", dict.fromkeys(ROLES, 410)),
    "accounts.settings": ("GET", "/settings", {"anonymous": LOGIN, **ALL}),
    "accounts.change_password": (
        "POST", "/settings/password", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 400)}
    ),
    "accounts.users": ("GET", "/admin/users", {"anonymous": LOGIN, "ambassador": 403,
                                               "curator": 403, "leader": 403, "admin": 200}),
    "accounts.new_user": ("GET", "/admin/users/new", {"anonymous": LOGIN, "ambassador": 403,
                                                      "curator": 403, "leader": 403, "admin": 200}),
    "accounts.units": ("GET", "/admin/units", {"anonymous": LOGIN, "ambassador": 403,
                                               "curator": 403, "leader": 403, "admin": 200}),
    "accounts.edit_user": ("GET", "/admin/users/{person}", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    "accounts.set_user_active": ("POST", "/admin/users/{person}/active", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 400}),
    "accounts.edit_unit": ("GET", "/admin/units/{unit}", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    "programme.guidelines": ("GET", "/guidelines", {"anonymous": LOGIN, **ALL}),
    "programme.edit": ("GET", "/curate/programme", {"anonymous": LOGIN, "ambassador": 403,
                                                    "curator": 200, "leader": 403, "admin": 200}),
    "content.posts": ("GET", "/curate/posts", {"anonymous": LOGIN, "ambassador": 403,
                                               "curator": 200, "leader": 403, "admin": 200}),
    "content.new_post": ("GET", "/curate/posts/new", {"anonymous": LOGIN, "ambassador": 403,
                                                      "curator": 200, "leader": 403, "admin": 200}),
    "content.edit_post": ("GET", "/curate/posts/{post}/edit", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 403, "admin": 200}),
    "content.topics": ("GET", "/curate/topics", {"anonymous": LOGIN, "ambassador": 403,
                                                 "curator": 200, "leader": 403, "admin": 200}),
    # issue 3: the curator workspace
    "content.post": ("GET", "/curate/posts/{post}", curator_only(200)),
    # the review steps run in this order on one draft: each one is allowed at that point
    "content.submit": ("POST", "/curate/posts/{draft}/submit", curator_only(302)),
    "content.return_post": ("POST", "/curate/posts/{draft}/return", curator_only(302)),
    "content.approve": ("POST", "/curate/posts/{draft}/approve", curator_only(302)),
    "content.archive": ("POST", "/curate/posts/{draft}/archive", curator_only(302)),
    "content.reopen": ("POST", "/curate/posts/{draft}/reopen", curator_only(302)),
    "content.comment": ("POST", "/curate/posts/{post}/comments", curator_only(400)),
    "content.topic": ("GET", "/curate/topics/{topic}", curator_only(200)),
    "content.merge_topic": ("POST", "/curate/topics/{topic}/merge", curator_only(302)),
    "content.archive_topic": ("POST", "/curate/topics/{topic}/archive", curator_only(302)),
    "uploads.upload": ("GET", "/uploads/{image}", {"anonymous": LOGIN, **ALL}),
    "stories.suggest": ("GET", "/stories/new", ambassador_only(200)),
    "stories.mine": ("GET", "/stories", ambassador_only(200)),
    # the author and curators may see a story's photo
    "stories.photo": ("GET", "/stories/{story}/photo", {
        "anonymous": LOGIN, "ambassador": 200, "curator": 200, "leader": 403, "admin": 200}),
    "stories.inbox": ("GET", "/curate/stories", curator_only(200)),
    "stories.story": ("GET", "/curate/stories/{story}", curator_only(200)),
    "stories.accept": ("POST", "/curate/stories/{story}/accept", curator_only(400)),
    "stories.decline": ("POST", "/curate/stories/{story}/decline", curator_only(400)),
    "people.index": ("GET", "/curate/people", curator_only(200)),
    "people.upload": ("GET", "/curate/people/import", curator_only(200)),
    "people.confirm": ("POST", "/curate/people/import/confirm", curator_only(400)),
    "people.deactivate": ("POST", "/curate/people/{person}/deactivate", curator_only(302)),
    "people.reactivate": ("POST", "/curate/people/{person}/reactivate", curator_only(302)),
    "onboarding.start": ("GET", "/welcome", ambassador_only(200)),
    "onboarding.guidelines": ("GET", "/welcome/guidelines", ambassador_only(200)),
    "onboarding.interests": ("GET", "/welcome/interests", ambassador_only(200)),
    "takeovers.index": ("GET", "/takeovers", ambassador_only(200)),
    "takeovers.manage": ("GET", "/curate/takeovers", curator_only(200)),
    "takeovers.approve": ("POST", "/curate/takeovers/{takeover}/approve", curator_only(302)),
    "takeovers.decline": ("POST", "/curate/takeovers/{takeover}/decline", curator_only(302)),
    "schedule_calendar.month": ("GET", "/curate/calendar", curator_only(200)),
    # leaders share too (they go first, M6)
    "queue.index": ("GET", "/queue", {"anonymous": LOGIN, "ambassador": 200, "curator": 403,
                                      "leader": 200, "admin": 200}),
    "queue.skip": ("POST", "/queue/{post}/skip", {"anonymous": LOGIN, "ambassador": 302,
                                                  "curator": 403, "leader": 302, "admin": 302}),
    "queue.snooze": ("POST", "/queue/{post}/snooze", {"anonymous": LOGIN, "ambassador": 400,
                                                      "curator": 403, "leader": 400, "admin": 400}),
    "sharing.compose": ("GET", "/share/{post}/linkedin", {
        "anonymous": LOGIN, "ambassador": 200, "curator": 403, "leader": 200, "admin": 200}),
    # a share is only ever shown to the person who made it
    "sharing.ready": ("GET", "/shares/{share}", {"anonymous": LOGIN, "ambassador": 200,
                                                 "curator": 403, "leader": 404, "admin": 404}),
    "tracking.redirect_token": ("GET", "/r/{token}", dict.fromkeys(ROLES, 302)),
    "activity.mine": ("GET", "/activity", {"anonymous": LOGIN, **ALL}),
    "endorsements.index": ("GET", "/endorse", {"anonymous": LOGIN, "ambassador": 403,
                                               "curator": 403, "leader": 200, "admin": 200}),
    # an admin who leads no unit is told that only leaders endorse
    "endorsements.endorse": ("POST", "/endorse/{post}", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 302, "admin": 400}),
    "endorsements.withdraw": ("POST", "/endorse/{post}/withdraw", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 302, "admin": 302}),
    "endorsements.post_endorsements": ("GET", "/curate/posts/{post}/endorsements", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 403, "admin": 200}),
    "endorsements.kudos": ("GET", "/kudos", {"anonymous": LOGIN, "ambassador": 403,
                                             "curator": 403, "leader": 200, "admin": 200}),
    "insights.health": ("GET", "/insights/health", {"anonymous": LOGIN, "ambassador": 403,
                                                    "curator": 200, "leader": 200, "admin": 200}),
    "insights.health_csv": ("GET", "/insights/health.csv?table=activity", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 200, "admin": 200}),
    # a person's years: themselves and admins; leaders only if the person opted in (not here)
    "insights.person": ("GET", "/insights/people/{owner}", {
        "anonymous": LOGIN, "ambassador": 200, "curator": 403, "leader": 403, "admin": 200}),
    "reminders.preferences": ("GET", "/settings/reminders", {"anonymous": LOGIN, **ALL}),
    # signed links work without login; a forged token gets a clear 400 page for everyone
    "reminders.go": ("GET", "/go/forged-token", dict.fromkeys(ROLES, 400)),
    "reminders.unsubscribe": ("GET", "/unsubscribe/forged-token", dict.fromkeys(ROLES, 400)),
    "reminders.opened": ("GET", "/o/forged-token.gif", dict.fromkeys(ROLES, 200)),
    "reminders.admin": ("GET", "/curate/reminders", {"anonymous": LOGIN, "ambassador": 403,
                                                     "curator": 200, "leader": 403, "admin": 200}),
    "reminders.settings": ("GET", "/curate/reminders/settings", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 403, "admin": 200}),
    "static": ("GET", "/static/css/app.css", dict.fromkeys(ROLES, 200)),
    # privacy (issue 6): everyone's own pages, the public notice, admin switches, leader look
    "privacy.overview": ("GET", "/privacy", {"anonymous": LOGIN, **ALL}),
    "privacy.notice": ("GET", "/privacy/notice", dict.fromkeys(ROLES, 200)),
    "privacy.leader_view": ("GET", "/privacy/leader-view", {"anonymous": LOGIN, **ALL}),
    "privacy.access_log": ("GET", "/privacy/access-log", {"anonymous": LOGIN, **ALL}),
    "privacy.notice_seen": ("POST", "/privacy/notices/{notice}/seen", {
        "anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}),
    "privacy.participation": ("GET", "/privacy/participation", {"anonymous": LOGIN, **ALL}),
    "privacy.export": ("GET", "/privacy/export", {"anonymous": LOGIN, **ALL}),
    # an export link works only for its owner; for anyone else it looks made up
    "privacy.download": ("GET", "/privacy/export/{export_token}", {
        "anonymous": LOGIN, "ambassador": 200, "curator": 404, "leader": 404, "admin": 404}),
    "privacy.erase_me": ("GET", "/privacy/erase", {"anonymous": LOGIN, **ALL}),
    "privacy.admin_erase": ("POST", "/admin/people/{victim}/erase", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 303}),
    "privacy.settings": ("GET", "/admin/privacy", {"anonymous": LOGIN, "ambassador": 403,
                                                   "curator": 403, "leader": 403, "admin": 200}),
    "privacy.person_view": ("GET", "/admin/privacy/person-view", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    # per-person views are off by default: even the person's own leader is refused; the
    # same page and rule as insights.person (administrators see activity, logged)
    "privacy.leader_person": ("GET", "/leader/people/{owner}", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    # the JSON API (issue 13): a session never counts, only a token; the pages are for admins
    **{endpoint: (method, url, dict.fromkeys(ROLES, 401)) for endpoint, method, url in (
        ("api.units", "GET", "/api/v1/units"), ("api.unit", "GET", "/api/v1/units/1"),
        ("api.people", "GET", "/api/v1/people"), ("api.person", "GET", "/api/v1/people/1"),
        ("api.posts", "GET", "/api/v1/posts"), ("api.post", "GET", "/api/v1/posts/{post}"),
        ("api.create_post", "POST", "/api/v1/posts"),
        ("api.share_stats", "GET", "/api/v1/stats/shares"),
        ("api.report_application", "POST", "/api/v1/applications"),
        ("api.update_outcome", "PATCH", "/api/v1/jobs/J/applications/A"),
        ("api.feeds", "GET", "/api/v1/job-feeds"),
        ("api.corps_health", "GET", "/api/v1/corps-health"),
    )},
    "api.openapi": ("GET", "/api/v1/openapi.json", dict.fromkeys(ROLES, 200)),
    "api_pages.docs": ("GET", "/api/v1/docs", dict.fromkeys(ROLES, 200)),
    "api_pages.token_list": ("GET", "/admin/api-tokens", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    "api_pages.revoke": ("POST", "/admin/api-tokens/999999/revoke", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 404}),
    "audit.index": ("GET", "/admin/audit", {"anonymous": LOGIN, "ambassador": 403,
                                            "curator": 403, "leader": 403, "admin": 200}),
    "core.manifest": ("GET", "/manifest.webmanifest", dict.fromkeys(ROLES, 200)),
    "accessibility.statement": ("GET", "/accessibility", dict.fromkeys(ROLES, 200)),
    "accessibility.edit": ("GET", "/accessibility/edit", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 403, "leader": 403, "admin": 200}),
    # issue 13: recruitment
    "recruitment.channels": ("GET", "/recruitment", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 200, "admin": 200}),
    "recruitment.channels_csv": ("GET", "/recruitment/channels.csv", {
        "anonymous": LOGIN, "ambassador": 403, "curator": 200, "leader": 200, "admin": 200}),
    "recruitment.feed_list": ("GET", "/recruitment/feeds", curator_only(200)),
    "recruitment.feed_read": ("POST", "/recruitment/feeds/0/read", curator_only(404)),
    "recruitment.feed_active": ("POST", "/recruitment/feeds/0/active", curator_only(404)),
    "recruitment.import_applications": ("GET", "/recruitment/import", curator_only(200)),
    "recruitment.choices": ("GET", "/recruitment/choices", curator_only(200)),
    "recruitment.choice": ("GET", "/recruitment/choices/0", curator_only(404)),
    "recruitment.survey": ("GET", "/jobs/M-1/source", dict.fromkeys(ROLES, 200)),
    # last, because it ends the session
    "accounts.logout": ("POST", "/logout", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - MATRIX.keys() == set(), "add new routes to MATRIX"
    assert MATRIX.keys() - endpoints == set(), "remove routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_routes_by_role(role, app, client, login, db_session):
    team = f.unit()
    owner = f.user("ambassador", unit=team)
    item = f.post(job_reference="M-1")
    record = f.share(owner, item)
    draft = f.post(status="draft")
    get_programme().require_second_approval = False  # one curator approves (four eyes off)
    story = f.story(owner, photo=True)
    now = utcnow()
    notice = PrivacyNotice(kind="person_view", created_at=now, purpose="p")
    db_session.add(notice)
    export = request_export(owner, now)
    build_export(export.id, now)
    victim = f.user()
    values = {"post": item.id, "share": record.id, "token": record.token, "draft": draft.id,
              "topic": f.topic().id, "story": story.id, "person": f.user().id,
              "takeover": f.takeover(owner).id, "image": story.photo_name,
              "owner": owner.id, "notice": notice.id, "victim": victim.id, "unit": team.id,
              "export_token": export_token(export, app.config["SECRET_KEY"])}
    # Committed into the test's outer transaction, so a view that rolls back its own work
    # (a refused link, say) does not take the rows later routes need with it.
    db_session.commit()
    if role == "ambassador":
        login(owner)
    elif role == "leader":
        login(f.user("leader", unit=team))  # the owner's own leader
    elif role != "anonymous":
        login(f.user(role))
    failures = []
    for endpoint, (method, url, expected) in MATRIX.items():
        path = url.format(**values)
        response = client.open(path, method=method)
        want = expected[role]
        if want == LOGIN:
            ok = response.status_code == 302 and "/login" in response.headers["Location"]
        else:
            ok = response.status_code == want
        if not ok:
            failures.append(f"{endpoint} {method} {path}: {response.status_code}, want {want}")
    assert failures == []
