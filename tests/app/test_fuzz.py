"""A hypothesis fuzz run over every form and the public redirect: no 500, no stored script."""

from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories as f

PAYLOADS = [
    "<script>xss()</script>", '"><img src=x onerror=xss()>', "javascript:xss()",
    "=HYPERLINK(\"http://evil\")", "{{7*7}}", "' OR 1=1 --", "\x00", "\u202e", "ø" * 3000,
    "-1", "0", "99999999999999999999", "2026-13-45T25:61", "", " ", "//evil.example",
]
value = st.one_of(st.text(max_size=200), st.sampled_from(PAYLOADS))
FUZZ = settings(max_examples=25, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

FORMS = {
    "/login": ["email", "password"],
    "/language": ["locale", "next"],
    "/settings": ["locale", "topic_ids"],
    "/settings/password": ["pw-current", "pw-new"],
    "/admin/users/new": ["email", "name", "title", "unit_id", "locale", "roles",
                         "led_unit_ids", "password"],
    "/admin/units": ["name", "parent_id"],
    "/curate/programme": ["name", "purpose", "guidelines"],
    "/curate/posts/new": ["title", "link", "kind", "status", "starts_at", "ends_at",
                          "topic_ids", "unit_ids", "text_linkedin", "text_facebook", "text_x",
                          "text_instagram"],
    "/curate/posts/{post}/edit": ["title", "link", "kind", "status", "text_linkedin", "text_x"],
    "/curate/topics": ["name", "description"],
    "/queue/{post}/skip": [],
    "/queue/{post}/snooze": ["days"],
    "/share/{post}/linkedin": ["text"],
    "/share/{post}/x": ["text"],
    "/privacy/participation": ["action", "named-named"],
    "/privacy/export": [],
    "/privacy/erase": ["email"],
    "/privacy/notices/{notice}/seen": [],
    "/admin/privacy": ["controller_name", "controller_contact", "dpo_contact", "legal_basis",
                       "public_authority", "retention_days", "audit_retention_days",
                       "erase_after_days", "min_group_size"],
    "/admin/privacy/person-view": ["action", "purpose", "consulted_on", "dpia_reference",
                                   "effective_on"],
    "/admin/people/{victim}/erase": ["confirm"],
}
PAGES = ["/", "/queue", "/curate/posts", "/curate/topics", "/guidelines", "/admin/users",
         "/admin/units", "/admin/audit", "/privacy/notice", "/admin/privacy", "/activity",
         "/privacy/leader-view", "/privacy/access-log", "/admin/privacy/person-view",
         "/privacy/participation", "/settings"]


@pytest.fixture
def world(client, login, db_session):
    admin = f.user("admin", unit=f.unit())
    item = f.post(texts={"linkedin": "Forslag", "x": "Kort"})
    from advocacy.db import utcnow
    from advocacy.privacy.models import PrivacyNotice

    notice = PrivacyNotice(kind="person_view", created_at=utcnow(), purpose="p")
    db_session.add(notice)
    db_session.flush()
    login(admin)
    return {"post": item.id, "notice": notice.id, "victim": f.user().id, "admin": admin}


class ScriptFinder(HTMLParser):
    """What a browser would run: script bodies, on* handlers and javascript: links."""

    def __init__(self):
        super().__init__()
        self.live: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, val in attrs:
            if name.startswith("on") or (val or "").strip().lower().startswith("javascript:"):
                self.live.append(f"{tag} {name}={val}")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.live.append(data)


def no_live_script(html: str) -> bool:
    finder = ScriptFinder()
    finder.feed(html)
    return finder.live == [] and ">49<" not in html


@pytest.mark.parametrize("path", sorted(FORMS))
def test_every_form_survives_fuzzing(path, client, world):
    url = path.format(**world)
    fields = FORMS[path]

    @FUZZ
    @given(st.fixed_dictionaries({name: value for name in fields}))
    def run(data):
        response = client.post(url, data=data)
        assert response.status_code < 500, (url, data, response.status_code)
        if client.get("/privacy").status_code != 200:  # logged out (erased or password)
            client.post("/login", data={"email": world["admin"].email,
                                        "password": "correct horse battery staple"})

    run()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code < 500, page
        assert no_live_script(response.get_data(as_text=True)), page


@FUZZ
@given(token=st.text(max_size=80), ua=value, ref=value)
def test_redirect_survives_fuzzing(client, db_session, token, ua, ref):
    path = "/r/" + token.replace("/", "_").replace("?", "_").replace("#", "_")
    try:
        response = client.get(path, headers={"User-Agent": ua, "Referer": ref})
    except ValueError:  # the test client refuses some header bytes before we see them
        return
    assert response.status_code in (302, 404, 429), (path, response.status_code)


@FUZZ
@given(query=st.dictionaries(st.sampled_from(["q", "page", "action", "actor", "target_type",
                                              "status", "next"]), value, max_size=4))
def test_list_pages_survive_odd_queries(client, world, query):
    for page in ("/admin/users", "/admin/audit", "/curate/posts"):
        response = client.get(page, query_string=query)
        assert response.status_code < 500, (page, query)
