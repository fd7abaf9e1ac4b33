"""On a 390 px phone: the share page's Web Share path and its fallback; the accessibility
statement passes axe-core (pinned from npm, served by us) without critical or serious findings."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from advocacy.accessibility import service as accessibility
from advocacy.db import utcnow
from advocacy.extensions import db
from tests import factories as f
from tests.e2e.browser import log_in

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True,
         "device_scale_factor": 2}
OWN_WORDS = "I love working nights here. Come and join my team!"
# Records what the page hands to the system share sheet instead of opening one.
STUB_SHARE = """
window.__shared = [];
Object.defineProperty(Navigator.prototype, "share", {configurable: true, writable: true,
  value: function (data) {
    window.__shared.push({
      title: data.title, text: data.text, url: data.url,
      files: (data.files || []).map(function (f) {
        return {name: f.name, type: f.type, size: f.size};
      })
    });
    return Promise.resolve();
  }});
Object.defineProperty(Navigator.prototype, "canShare", {configurable: true, writable: true,
  value: function (data) { return !!data; }});
"""
NO_SHARE = """
delete Navigator.prototype.share;
delete Navigator.prototype.canShare;
"""


def seed_share(live, network: str, *, image: bool = False):
    """An ambassador with a share already made: the page after "Next" is what we test."""
    with live.seed():
        from flask import current_app

        from advocacy.content.uploads import save_image

        unit = f.unit()
        person = f.user("ambassador", unit=unit)
        item = f.post("Night nurses wanted", units=(unit,), link=f"{live.url}/login",
                      texts={network: "We are hiring nurses!"})
        if image:
            item.image_name = save_image(f.PNG, current_app.config["UPLOAD_DIR"])
        record = f.share(person, item, network=network, text=OWN_WORDS)
        db.session.flush()
        return person.email, record.id, f"{live.url}/r/{record.token}"


def assert_no_sideways_scroll(page):
    page.wait_for_load_state("load")  # measured with the style sheets applied, also under load
    width = page.evaluate("document.documentElement.scrollWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > 391)
        .slice(0, 5).map(e => e.tagName + '#' + e.id + '.' + e.className + ' '
                         + Math.round(e.getBoundingClientRect().right))""")
    assert width <= 390, f"{page.url} is {width} px wide: {wide}"


def test_web_share_offers_text_and_tracked_link(live, new_context):
    email, share_id, tracked = seed_share(live, "linkedin")
    context = new_context(**PHONE)
    context.add_init_script(STUB_SHARE)
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/shares/{share_id}")
    button = page.get_by_role("button", name="Share with an app on this device")
    expect(button).to_be_visible()
    assert_no_sideways_scroll(page)
    button.click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["text"] == OWN_WORDS
    assert shared["url"] == tracked
    assert shared["title"] == "Night nurses wanted"
    assert shared["files"] == []
    expect(page.locator("[data-web-share] [role=status]")).to_have_text("Shared. Thank you!")
    # the copy-and-open steps stay on the page for anyone who prefers them
    expect(page.get_by_role("button", name="Copy text")).to_be_visible()


def test_web_share_for_instagram_offers_the_image_file(live, new_context):
    email, share_id, tracked = seed_share(live, "instagram", image=True)
    context = new_context(**PHONE)
    context.add_init_script(STUB_SHARE)
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/shares/{share_id}")
    # the image is fetched before the tap; wait until it is there, then tap
    page.wait_for_load_state("networkidle")
    page.get_by_role("button", name="Share with an app on this device").click()
    page.wait_for_function("window.__shared.length === 1")
    shared = page.evaluate("window.__shared[0]")
    assert shared["text"].startswith(OWN_WORDS)
    assert shared["text"].rstrip().endswith(tracked)
    assert len(shared["files"]) == 1
    assert shared["files"][0]["type"] == "image/png"
    assert shared["files"][0]["size"] == len(f.PNG)


def test_without_web_share_the_copy_and_open_flow_remains(live, new_context):
    email, share_id, tracked = seed_share(live, "linkedin")
    context = new_context(**PHONE)
    context.add_init_script(NO_SHARE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/shares/{share_id}")
    assert page.evaluate("typeof navigator.share") == "undefined"
    expect(page.locator("[data-web-share]")).to_be_hidden()
    expect(page.get_by_role("button", name="Share with an app on this device")).to_have_count(0)
    page.get_by_role("button", name="Copy text").click()
    expect(page.locator(".copy-status")).to_have_text(
        re.compile("^(Copied to the clipboard.|Could not copy automatically.)"))
    open_network = page.get_by_role("button", name="Open LinkedIn")
    assert tracked.replace(":", "%3A").replace("/", "%2F") in open_network.get_attribute("href")
    assert_no_sideways_scroll(page)


def axe_violations(page) -> list[dict]:
    page.add_script_tag(url="/static/vendor/axe.min.js")
    result = page.evaluate(
        "async () => { const r = await axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}});"
        "return r.violations.map(v => ({id: v.id, impact: v.impact, "
        "nodes: v.nodes.map(n => n.target.join(' '))})); }")
    return [v for v in result if v["impact"] in ("critical", "serious")]


@pytest.fixture
def statement(live):
    with live.seed():
        accessibility.save_statement(
            accessibility.StatementData(
                organisation="Stavanger kommune", url="https://advocacy.stavanger.kommune.no",
                conformance="partial", feedback_email="uu@stavanger.kommune.no",
                feedback_phone="+47 51 50 70 90", authority="no",
                statement_date=date(2026, 11, 1), reviewed_date=date(2026, 11, 20),
                deviations=[{"criterion": "1.4.3", "problem": "Svak kontrast på fokusringen",
                             "action": "Rettes innen mars 2027"}],
            ),
            by_user_id=None, now=utcnow(), today=date(2026, 11, 30),
        )


@pytest.mark.parametrize(("locale", "heading"), [
    ("nb-NO", "Tilgjengelighetserklæring"), ("nn-NO", "Tilgjengelegheitserklæring"),
    ("da-DK", "Tilgængelighedserklæring"), ("en-GB", "Accessibility statement"),
])
def test_statement_page_passes_axe_on_a_phone(live, new_context, statement, locale, heading):
    context = new_context(locale=locale, **PHONE)
    page = context.new_page()
    page.goto("/accessibility")
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    expect(page.get_by_role("link", name=re.compile("Uutilsynet"))).to_be_visible()
    assert_no_sideways_scroll(page)
    assert axe_violations(page) == []


def test_edit_form_and_share_page_pass_axe_on_a_phone(live, new_context, statement):
    with live.seed():
        admin = f.user("admin")
        admin_email = admin.email
    email, share_id, _ = seed_share(live, "linkedin")
    context = new_context(**PHONE)
    context.add_init_script(STUB_SHARE)
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/shares/{share_id}")
    expect(page.get_by_role("button", name="Share with an app on this device")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/")
    page.evaluate("document.querySelector('form[action=\"/logout\"]').submit()")
    page.wait_for_url(re.compile("/login"))
    log_in(page, admin_email)
    page.goto("/accessibility/edit")
    page.get_by_label("E-mail for feedback").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".field-error")).to_contain_text("A contact e-mail address")
    assert_no_sideways_scroll(page)
    assert axe_violations(page) == []


def test_the_axe_check_does_find_violations(live, new_context):
    """The check above can fail: a picture without alt text and an empty button are caught."""
    page = new_context(**PHONE).new_page()
    page.goto("/accessibility")
    page.evaluate("""() => {
        const main = document.querySelector('main');
        main.insertAdjacentHTML('beforeend',
          '<img src="/static/icons/icon-192.png"><button type="button"></button>');
    }""")
    found = {v["id"] for v in axe_violations(page)}
    assert {"image-alt", "button-name"} <= found
