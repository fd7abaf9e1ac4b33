"""Every route, every role, compared with a declared matrix. A new route without an entry fails."""

import pytest

from tests import factories as f

ROLES = ("anonymous", "ambassador", "curator", "leader", "admin")
LOGIN = "login"  # anonymous users are sent to the login page

# endpoint -> (method, url template, {role: expected status})
ALL = dict.fromkeys(ROLES[1:], 200)
MATRIX = {
    "core.home": ("GET", "/", {"anonymous": LOGIN, **ALL}),
    "core.healthz": ("GET", "/healthz", dict.fromkeys(ROLES, 200)),
    "core.language": ("POST", "/language", dict.fromkeys(ROLES, 302)),
    "accounts.login": ("GET", "/login", {"anonymous": 200, **dict.fromkeys(ROLES[1:], 302)}),
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
    "queue.index": ("GET", "/queue", {"anonymous": LOGIN, "ambassador": 200, "curator": 403,
                                      "leader": 403, "admin": 200}),
    "queue.skip": ("POST", "/queue/{post}/skip", {"anonymous": LOGIN, "ambassador": 302,
                                                  "curator": 403, "leader": 403, "admin": 302}),
    "queue.snooze": ("POST", "/queue/{post}/snooze", {"anonymous": LOGIN, "ambassador": 400,
                                                      "curator": 403, "leader": 403, "admin": 400}),
    "sharing.compose": ("GET", "/share/{post}/linkedin", {
        "anonymous": LOGIN, "ambassador": 200, "curator": 403, "leader": 403, "admin": 200}),
    # a share is only ever shown to the person who made it
    "sharing.ready": ("GET", "/shares/{share}", {"anonymous": LOGIN, "ambassador": 200,
                                                 "curator": 403, "leader": 403, "admin": 404}),
    "tracking.redirect_token": ("GET", "/r/{token}", dict.fromkeys(ROLES, 302)),
    "activity.mine": ("GET", "/activity", {"anonymous": LOGIN, **ALL}),
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
    # last, because it ends the session
    "accounts.logout": ("POST", "/logout", {"anonymous": LOGIN, **dict.fromkeys(ROLES[1:], 302)}),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    assert endpoints - MATRIX.keys() == set(), "add new routes to MATRIX"
    assert MATRIX.keys() - endpoints == set(), "remove routes that no longer exist"


@pytest.mark.parametrize("role", ROLES)
def test_routes_by_role(role, client, login, db_session):
    owner = f.user("ambassador")
    item = f.post()
    record = f.share(owner, item)
    values = {"post": item.id, "share": record.id, "token": record.token}
    if role == "ambassador":
        login(owner)
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
