"""Headers, cookies, the trusted proxy, rich text, constant-time tokens, CSV escaping, redirects."""

import csv
import io

import pytest

from advocacy import security
from advocacy.csvsafe import escape_cell, to_csv
from advocacy.programme.service import get_programme
from tests import factories as f
from tests.conftest import database_url, make_app


def test_security_headers_on_every_page(client, db_session):
    for path in ("/login", "/privacy/notice", "/static/css/app.css", "/nowhere"):
        response = client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        # plain HTTP: no HSTS (it would pin a site that has no TLS)
        assert "Strict-Transport-Security" not in response.headers


def test_hsts_over_tls(client, db_session):
    response = client.get("/login", base_url="https://localhost")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_forwarded_proto_is_ignored_without_a_trusted_proxy(client, db_session):
    response = client.get("/login", headers={"X-Forwarded-Proto": "https"})
    assert "Strict-Transport-Security" not in response.headers


def test_forwarded_proto_is_honoured_behind_a_trusted_proxy(db_session):
    proxied = make_app(database_url(), TRUSTED_PROXY=1)
    with proxied.test_client() as c:
        response = c.get("/login", headers={"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" in response.headers
        response = c.get("/login")
        assert "Strict-Transport-Security" not in response.headers


def test_cookies_secure_when_the_public_address_is_https(monkeypatch, client, db_session):
    monkeypatch.delenv("SESSION_COOKIE_SECURE", raising=False)
    tls = make_app(database_url(), PUBLIC_BASE_URL="https://ambassador.example.no")
    assert tls.config["SESSION_COOKIE_SECURE"] is True
    assert tls.config["REMEMBER_COOKIE_SECURE"] is True
    plain = make_app(database_url(), PUBLIC_BASE_URL="http://localhost")
    assert plain.config["SESSION_COOKIE_SECURE"] is False


def test_session_cookie_is_httponly_and_samesite(client, login, db_session):
    person = f.user()
    response = client.post("/login", data={"email": person.email,
                                           "password": "correct horse battery staple"})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_rich_filter_keeps_the_allow_list_and_drops_scripts():
    html = security.clean_rich(
        '<p onclick="x()">Hi <strong>there</strong> <a href="javascript:alert(1)">x</a>'
        '<a href="https://ok.example/">ok</a></p><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><iframe src="https://evil"></iframe>'
    )
    assert "<strong>there</strong>" in html
    assert 'href="https://ok.example/"' in html and "noopener" in html
    for bad in ("<script", "onclick", "javascript:", "onerror", "<iframe", "<img"):
        assert bad not in html


def test_rich_filter_turns_plain_text_into_escaped_paragraphs():
    html = security.clean_rich("First <3 & more\nsame\n\nSecond")
    assert html == "<p>First &lt;3 &amp; more<br>same</p><p>Second</p>"


def test_guidelines_render_sanitised(client, login, db_session):
    get_programme().guidelines = "<h2>Taushet</h2><p>Del aldri <em>pasientinfo</em></p>" \
        "<script>alert('x')</script>"
    login(f.user())
    page = client.get("/guidelines").get_data(as_text=True)
    assert "<h2>Taushet</h2>" in page and "<em>pasientinfo</em>" in page
    assert "alert(" not in page


def test_tokens_equal_is_constant_time_compare():
    assert security.tokens_equal("abc", "abc")
    assert not security.tokens_equal("abc", "abd")
    assert not security.tokens_equal(None, "abc")
    assert not security.tokens_equal("abc", "abcd")


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1",
                                  "=HYPERLINK(\"http://evil\")", "\uff1d1"])
def test_csv_cells_that_would_run_as_formulas_are_escaped(cell):
    assert escape_cell(cell).startswith("'")
    rows = list(csv.reader(io.StringIO(to_csv(["a"], [[cell]]))))
    assert rows[1][0] == "'" + cell


def test_csv_ordinary_values_are_unchanged():
    assert escape_cell("Ola Nordmann") == "Ola Nordmann"
    assert escape_cell(-5) == "-5" and escape_cell(3) == "3" and escape_cell(None) == ""


EVIL = ["https://evil.example/", "//evil.example/x", "/\\evil.example", "\\\\evil.example",
        "http:evil.example", "javascript:alert(1)", "/%2F%2Fevil.example", " //evil.example",
        # Issue 10: both came back as Location headers.
        "/.//evil.example", "/%E3%80%82/evil.example",
        "/\u3002/evil.example", "/%EF%BC%8E/evil.example", "/%EF%BD%A1/evil.example",
        "/%5C%5Cevil.example", "/%255C%255Cevil.example", "/\t/evil.example", "/%09/evil.example",
        "/../evil.example", "/%2E%2E//evil.example", "/\uff0f\uff0fevil.example",
        "\t//evil.example", "/\n/evil.example", "https:/evil.example", "/x/../../evil.example",
        # Found by the property test below: urlsplit drops the tab, so "/\t//" read as a path.
        "/%09/%5C", "/%09/%5Cevil.example"]


def on_site(location: str) -> bool:
    """A same-site path: browsers cannot read it as another host."""
    from urllib.parse import urlsplit

    parts = urlsplit(location)
    return (not parts.scheme and not parts.netloc and location.startswith("/")
            and not location.startswith("//") and "\\" not in location)


def test_no_open_redirect_on_login_or_language(client, db_session):
    person = f.user()
    data = {"email": person.email, "password": "correct horse battery staple"}
    for evil in EVIL:
        response = client.post("/login", query_string={"next": evil}, data=data)
        assert on_site(response.headers["Location"]), evil
        client.post("/logout")
        response = client.post("/language", data={"locale": "nb", "next": evil})
        assert on_site(response.headers["Location"]), evil


def test_every_redirect_stays_on_site_except_the_tracked_one(app, client, login, db_session):
    """Walk every GET route as an admin: any 3xx goes to this site (the /r/ token excepted)."""
    from urllib.parse import urlsplit

    login(f.user("admin"))
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.endpoint == "static":
            continue
        response = client.get(rule.rule, query_string={"next": "https://evil.example/"})
        if 300 <= response.status_code < 400:
            parts = urlsplit(response.headers["Location"])
            assert parts.netloc in ("", "localhost"), (rule.rule, response.headers["Location"])


def test_password_change_logs_out_every_other_session(app, client, login, db_session):
    person = f.user()
    login(person)
    other = app.test_client()
    first = other.post("/login", data={"email": person.email,
                                       "password": "correct horse battery staple"})
    assert first.status_code == 302
    assert other.get("/settings").status_code == 200
    response = client.post("/settings/password", data={
        "pw-current": "correct horse battery staple", "pw-new": "a brand new long passphrase"})
    assert response.status_code == 302
    assert client.get("/settings").status_code == 200  # this browser stays logged in
    stale = other.get("/settings")
    assert stale.status_code == 302 and "/login" in stale.headers["Location"]


def test_password_rules_are_about_length_only(db_session):
    from advocacy.accounts.service import password_problem

    assert password_problem("alllowercaseletters") is None  # no composition rules
    assert password_problem("short") is not None
    assert password_problem("x" * 257) is not None


# -- next= values: a model of how a lenient browser reads a Location header ---------------

import unicodedata  # noqa: E402
from urllib.parse import unquote, urljoin, urlsplit  # noqa: E402

from hypothesis import example, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from advocacy.security import safe_path  # noqa: E402

SITE = "https://ambassador.example.no/queue/"
FULL_STOPS = str.maketrans({"\u3002": ".", "\uff0e": ".", "\uff61": "."})


def readings(location: str) -> list[str]:
    """Every way a browser, proxy or a later hop might read the value (WHATWG-ish)."""
    base = location.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r"
                          "\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                          "\x1c\x1d\x1e\x1f ")
    base = base.replace("\t", "").replace("\n", "").replace("\r", "")
    out = []
    value = base
    for _ in range(4):
        for variant in (value, value.replace("\\", "/"),
                        unicodedata.normalize("NFKC", value).translate(FULL_STOPS)
                        .replace("\\", "/")):
            out.append(variant)
            # A proxy or framework that resolves dot segments first, then the browser.
            parts = urlsplit(variant)
            if not parts.scheme and not parts.netloc:
                segments, kept = parts.path.split("/"), []
                for segment in segments:
                    if segment == "..":
                        if len(kept) > 1:
                            kept.pop()
                    elif segment != ".":
                        kept.append(segment)
                out.append("/".join(kept))
        value = unquote(value)
    return out


def stays_on_site(location: str) -> bool:
    return all(urlsplit(urljoin(SITE, reading)).netloc == "ambassador.example.no"
               for reading in readings(location))


PIECES = ["/", "//", "\\", ".", "..", "%2F", "%2f", "%5C", "%2E", "%252F", "%255C", "\u3002",
          "%E3%80%82", "\uff0e", "\uff61", "\uff0f", "%EF%BC%8F", "evil.example", "@", ":",
          "http:", "https:", "javascript:", " ", "\t", "\n", "%09", "%0a", "?", "#", "queue",
          "a", "=", "&", "\x00", "\u200b"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=8).map("".join))
def test_accepted_next_values_stay_on_site_however_they_are_read(target):
    accepted = safe_path(target)
    if accepted is not None:
        assert accepted == target
        assert stays_on_site(accepted), target


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_is_refused_or_stays_on_site(target):
    accepted = safe_path(target)
    assert accepted is None or stays_on_site(accepted)


@settings(max_examples=300, deadline=None)
@example([], {"a": "%00"})  # "/?a=%2500": decoded twice, the query holds a NUL
@given(st.lists(st.from_regex(r"[a-z0-9_-]{1,12}", fullmatch=True), min_size=0, max_size=4),
       st.dictionaries(st.from_regex(r"[a-z]{1,6}", fullmatch=True),
                       st.from_regex(r"[a-zA-Z0-9 %/]{0,10}", fullmatch=True), max_size=3))
def test_our_own_paths_are_accepted_unchanged(segments, query):
    from urllib.parse import urlencode

    path = "/" + "/".join(segments) + ("?" + urlencode(query) if query else "")
    assert safe_path(path) == path


@pytest.mark.parametrize("evil", EVIL)
def test_each_known_trick_is_refused(evil):
    assert safe_path(evil) is None


def test_refused_next_falls_back_home_on_login(client, db_session):
    person = f.user()
    data = {"email": person.email, "password": "correct horse battery staple"}
    for evil in ("/.//evil.example", "/%E3%80%82/evil.example"):
        response = client.post("/login", query_string={"next": evil}, data=data)
        assert response.status_code == 302 and response.headers["Location"] == "/", evil
        client.post("/logout")
    ok = client.post("/login", query_string={"next": "/settings?tab=2"}, data=data)
    assert ok.headers["Location"] == "/settings?tab=2"


# -- logout ends the session for good ------------------------------------------------------


def test_a_cookie_captured_before_logout_no_longer_works(app, client, db_session):
    person = f.user()
    data = {"email": person.email, "password": "correct horse battery staple"}
    assert client.post("/login", data=data).status_code == 302
    assert client.get("/settings").status_code == 200
    captured = client.get_cookie("session").value
    assert client.post("/logout").status_code == 302
    # The same browser and address replays the old cookie.
    thief = app.test_client()
    thief.set_cookie("session", captured)
    replay = thief.get("/settings")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]
    # Logging in again gives a fresh session that works, and an old cookie still does not.
    assert client.post("/login", data=data).status_code == 302
    assert client.get("/settings").status_code == 200
    assert thief.get("/settings").status_code == 302


def test_logout_ends_the_persons_other_sessions_too(app, client, db_session):
    person = f.user()
    data = {"email": person.email, "password": "correct horse battery staple"}
    phone = app.test_client()
    assert client.post("/login", data=data).status_code == 302
    assert phone.post("/login", data=data).status_code == 302
    client.post("/logout")
    assert phone.get("/settings").status_code == 302


def test_logout_keeps_emailed_login_links_working(app, client, db_session):
    """The login generation is not part of the reminder links' fingerprint."""
    from advocacy.db import utcnow
    from advocacy.reminders.tokens import LoginLinks, redeem_login

    person = f.user()
    token = LoginLinks(person).token(None)
    client.post("/login", data={"email": person.email, "password": "correct horse battery staple"})
    client.post("/logout")
    assert redeem_login(token, utcnow()).user.id == person.id
