"""Every page, as every role, on a 390 px phone and a 1366 px desktop: nothing scrolls
sideways, no open drop-down menu leaves the screen, and axe-core (pinned in package.json,
served from advocacy/static/vendor/) finds no critical or serious violation.

The pages come from `app.url_map` (every rule that answers GET), so a new page is walked
without touching this file; its URL parameters are filled from the demo organisation plus a
few factory rows (`FILLERS`). A rule that is not an HTML page for a person is listed in
`EXCLUDED` with the reason. A new URL parameter name fails the test until it gets a filler.

One browser, one login per role, two contexts (phone and desktop) per role sharing the login.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

from advocacy.content.models import Post, Topic
from advocacy.demo import generate
from advocacy.demo.base import MIN_AMBASSADORS
from advocacy.demo.catalogue import DEMO_PASSWORD, DOMAIN
from advocacy.extensions import db
from advocacy.models import User
from tests import factories as f
from tests.conftest import make_app, own_database, upgrade
from tests.e2e.conftest import LOCAL_HOSTS, serving, user_agent

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}
ROLES = ("ambassador", "curator", "leader", "admin")
LOGINS = {"ambassador": f"ambassador@{DOMAIN}", "curator": f"kurator@{DOMAIN}",
          "leader": f"leder@{DOMAIN}", "admin": f"admin@{DOMAIN}"}
AXE_FILE = Path(__file__).resolve().parents[2] / "advocacy/static/vendor/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]

# Endpoints that are not pages a person reads, and why they are not walked.
EXCLUDED = {
    "static": "files (CSS, JavaScript, icons)",
    "uploads.upload": "image files",
    "stories.photo": "image file",
    "core.healthz": "plain-text probe (/healthz, /livez)",
    "core.readyz": "plain-text probe",
    "core.manifest": "JSON web app manifest",
    "insights.health_csv": "CSV download",
    "recruitment.channels_csv": "CSV download",
    "privacy.download": "ZIP download of a personal export",
    "reminders.opened": "tracking image (GIF)",
    "tracking.redirect_token": "redirects to the employer's job page (an outside host)",
    "reminders.go": "a valid token logs the browser in as its owner and redirects; the "
                    "invalid-token page is the same template as the unsubscribe error, "
                    "walked through /unsubscribe/<token>",
    "api.openapi": "JSON",
}
EXCLUDED_PREFIXES = {"api.": "the JSON API (its HTML docs page, api_pages.docs, is walked)"}

# Reads every scrollable element without a keyboard way in, every open drop-down that
# leaves the screen, and the page width.
MEASURE = r"""() => {
  // The layout viewport: a phone browser (is_mobile) zooms out to show a page that is too
  // wide, so window.innerWidth grows with the page and would hide what scrolls sideways.
  const width = document.documentElement.clientWidth;
  const out = {scrollWidth: document.documentElement.scrollWidth, width, wide: [], menus: []};
  if (out.scrollWidth > width) {
    out.wide = [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > width + 0.5
                   && !e.closest('[role=region][tabindex]'))
      .slice(0, 6).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                       + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                       + ' ' + Math.round(e.getBoundingClientRect().right));
  }
  for (const d of document.querySelectorAll('details.dropdown')) {
    const was = d.open;
    d.open = true;
    const list = d.querySelector('ul');
    if (list) {
      const r = list.getBoundingClientRect();
      const inner = list.scrollWidth > list.clientWidth + 1;
      if (r.left < -0.5 || r.right > width + 0.5 || inner) {
        out.menus.push((d.querySelector('summary') || d).textContent.trim() + ': '
                       + Math.round(r.left) + '..' + Math.round(r.right)
                       + (inner ? ' (items cut)' : ''));
      }
    }
    d.open = was;
  }
  // aria-labelledby naming the element itself (axe cannot tell that this says nothing)
  out.selfLabelled = [...document.querySelectorAll('[aria-labelledby][id]')]
    .filter(e => e.getAttribute('aria-labelledby').split(/\s+/).includes(e.id))
    .map(e => e.tagName.toLowerCase() + '#' + e.id);
  return out;
}"""
AXE = ("async (tags) => { const r = await axe.run(document, {runOnly: {type: 'tag', "
       "values: tags}, resultTypes: ['violations']});"
       "return r.violations.filter(v => v.impact === 'critical' || v.impact === 'serious')"
       ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3)"
       ".map(n => n.target.join(' ')).join(', ')); }")


@dataclass
class Walk:
    app: object
    url: str
    ids: dict


def _seed_extras() -> dict:
    """What the demo does not make: a story with a photo, a takeover, a recruitment choice;
    then the ids the URL parameters need."""
    from advocacy.recruitment.models import SurveyChoice
    from advocacy.reminders import tokens
    from advocacy.sharing.models import Share
    from advocacy.stories.models import Story

    users = {role: db.session.scalar(select(User).where(User.email == email))
             for role, email in LOGINS.items()}
    f.story(users["ambassador"], title="Nattevakt på Solbakken", photo=True)
    f.takeover(users["ambassador"])
    db.session.flush()
    job = db.session.scalar(select(Post).where(Post.job_reference.is_not(None)).limit(1))
    if job is None:
        job = f.post("Sykepleier, natt", job_reference="walk-1", link="http://127.0.0.1/job")
    choice = db.session.scalar(select(SurveyChoice).limit(1))
    shares = {role: db.session.scalar(select(Share.id).where(Share.user_id == u.id).limit(1))
              for role, u in users.items()}
    any_share = next(v for v in shares.values() if v)
    shares = {role: share_id or any_share for role, share_id in shares.items()}
    from advocacy.content.uploads import save_image

    post = db.session.scalar(select(Post).order_by(Post.id.desc()).limit(1))
    post.image_name = save_image(f.PNG, current_app.config["UPLOAD_DIR"])
    post.image_alt = "Sykepleiere ler på vaktrommet"
    return {
        "post_id": post.id,
        "user_id": users["ambassador"].id,
        "unit_id": users["ambassador"].unit_id,
        "topic_id": db.session.scalar(select(Topic.id).limit(1)),
        "story_id": db.session.scalar(select(Story.id).order_by(Story.id.desc()).limit(1)),
        "choice_id": choice.id if choice else None,
        "reference": job.job_reference,
        "network": "linkedin",
        "shares": shares,
        "token": tokens.unsubscribe_token(users["ambassador"].id, "digest"),
    }


@pytest.fixture(scope="module")
def walk(tmp_path_factory) -> Iterator[Walk]:
    from advocacy.accounts.service import hash_password
    from advocacy.db import utcnow

    with own_database("advocacy_walk", tmp_path_factory.mktemp("walk")) as url:
        app = make_app(url, WTF_CSRF_ENABLED=True)
        upgrade(app)
        with app.app_context():
            generate.fill(db.session.connection(), ambassadors=MIN_AMBASSADORS,
                          years=1, seed=14, now=utcnow(),
                          password_hash=hash_password(DEMO_PASSWORD))
            db.session.commit()
            ids = _seed_extras()
            db.session.commit()
        with serving(app) as base:
            yield Walk(app=app, url=base, ids=ids)


def page_urls(app, ids: dict, role: str) -> list[str]:
    """Every GET rule of the app as a URL, parameters filled; excluded rules left out."""
    urls = []
    with app.test_request_context():
        from flask import url_for

        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in rule.methods or rule.endpoint in EXCLUDED:
                continue
            if any(rule.endpoint.startswith(p) for p in EXCLUDED_PREFIXES):
                continue
            values = {}
            for name in rule.arguments:
                value = ids["shares"][role] if name == "share_id" else ids.get(name)
                assert value is not None, (
                    f"{rule.rule}: no value for <{name}>; add one to _seed_extras "
                    "or list the endpoint in EXCLUDED with the reason")
                values[name] = value
            urls.append(url_for(rule.endpoint, **values))
    return urls


def _watch(context, outside: list[str]) -> None:
    """Record requests to other hosts (there must be none). Listening, not routing: routing
    every request through the test process would double the walk's time."""
    from urllib.parse import urlsplit

    def seen(request):
        if urlsplit(request.url).hostname not in LOCAL_HOSTS | {None}:
            outside.append(request.url)

    context.on("request", seen)


def _log_in(browser, walk: Walk, role: str) -> dict:
    context = browser.new_context(base_url=walk.url, locale="nb-NO",
                                  user_agent=user_agent(browser))
    page = context.new_page()
    page.goto("/login")
    page.locator("input[name=email]").fill(LOGINS[role])
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("role", ROLES)
def test_every_page_fits_a_phone_and_passes_axe(walk, browser, role):
    started = time.monotonic()
    state = _log_in(browser, walk, role)
    urls = page_urls(walk.app, walk.ids, role)
    problems: list[str] = []
    seen_ok: set[str] = set()
    outside: list[str] = []
    for size, options in (("390", PHONE), ("1366", DESKTOP)):
        context = browser.new_context(base_url=walk.url, locale="nb-NO", storage_state=state,
                                      user_agent=user_agent(browser), **options)
        context.set_default_timeout(10000)
        _watch(context, outside)
        # axe-core as served by us (package.json pins it; `npm run vendor` copies it), loaded
        # into every page before its own scripts: no extra request per page.
        context.add_init_script(path=str(AXE_FILE))
        page = context.new_page()
        checked: set[str] = set()
        for url in urls:
            response = page.goto(url, wait_until="load")
            status = response.status if response else 0
            final = page.url.removeprefix(walk.url)
            key = final if status == 200 else f"status {status}"
            if status == 200:
                seen_ok.add(url)
            if key in checked:
                continue
            checked.add(key)
            if status >= 500 or status == 0:
                problems.append(f"{size} {url}: HTTP {status}")
                continue
            where = f"{size} px {url}" + (f" -> {final}" if final != url else "")
            if size == "390":
                m = page.evaluate(MEASURE)
                if m["scrollWidth"] > m["width"]:
                    problems.append(f"{where}: {m['scrollWidth']} px wide: {m['wide']}")
                for element in m["selfLabelled"]:
                    problems.append(f"{where}: {element} is labelled by its own id")
                for menu in m["menus"]:
                    problems.append(f"{where}: drop-down leaves the screen: {menu}")
            for violation in page.evaluate(AXE, AXE_TAGS):
                problems.append(f"{where}: {violation}")
        context.close()
    # The walk means something only if the role reaches its pages.
    assert len(seen_ok) >= 10, f"{role} reached only {sorted(seen_ok)}"
    elapsed = time.monotonic() - started
    print(f"\n{role}: {len(urls)} URLs, {len(seen_ok)} answered 200, {elapsed:.1f} s")
    assert not problems, "\n".join(problems)
    assert not outside, f"requests to other hosts: {outside}"


def test_the_exclusions_name_real_endpoints(walk):
    """An exclusion left behind after its route is gone would hide nothing, but mislead."""
    assert set(EXCLUDED) <= {r.endpoint for r in walk.app.url_map.iter_rules()}


def _luminance(rgb: str) -> float:
    values = [float(v) for v in rgb[rgb.index("(") + 1:rgb.index(")")].split(",")[:3]]
    linear = [v / 255 / 12.92 if v / 255 <= 0.03928 else ((v / 255 + 0.055) / 1.055) ** 2.4
              for v in values]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_focus_ring_on_a_blue_button_stands_out_from_button_and_page(walk, browser, scheme):
    """axe cannot judge focus indicators: the ring of a focused filled button must reach 3:1
    against the button and against the page, with a page-coloured gap between ring and button."""
    state = _log_in(browser, walk, "admin")
    context = browser.new_context(base_url=walk.url, locale="en-GB", storage_state=state,
                                  color_scheme=scheme, user_agent=user_agent(browser), **DESKTOP)
    page = context.new_page()
    page.goto("/accessibility/edit")
    button = page.locator("main form button[type=submit]").first
    button.evaluate("b => b.scrollIntoView({block: 'center'})")
    # :focus-visible follows keyboard use: a key press first, then focus on the button
    page.keyboard.press("Tab")
    button.focus()
    assert button.evaluate("b => b.matches(':focus-visible')")
    style = button.evaluate("""b => { const s = getComputedStyle(b);
        return {ring: s.outlineColor, width: s.outlineWidth, offset: s.outlineOffset,
                style: s.outlineStyle, fill: s.backgroundColor, shadow: s.boxShadow,
                page: getComputedStyle(document.documentElement).backgroundColor}; }""")
    context.close()
    assert style["style"] == "solid" and float(style["width"].removesuffix("px")) >= 2
    assert float(style["offset"].removesuffix("px")) >= 2
    page_colour = style["page"] if "rgba(0, 0, 0, 0)" not in style["page"] else (
        "rgb(255, 255, 255)" if scheme == "light" else "rgb(19, 23, 31)")
    assert _contrast(style["ring"], style["fill"]) >= 3, style
    assert _contrast(style["ring"], page_colour) >= 3, style
