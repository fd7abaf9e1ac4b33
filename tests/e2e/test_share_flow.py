"""The ambassador's share flow in a real browser: log in, pick a post, edit, copy, track a click."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests import factories as f
from tests.e2e.browser import log_in

COPIED = "Copied to the clipboard."
COPY_FAILED = "Could not copy automatically."


def seed_ambassador(live, *post_titles: str, link: str | None = None):
    """An ambassador in a unit of their own, and live posts aimed only at that unit."""
    with live.seed():
        unit = f.unit()
        person = f.user("ambassador", unit=unit)
        posts = [
            f.post(
                title,
                link=link or f"{live.url}/login",
                units=(unit,),
                texts={
                    "linkedin": "We are hiring nurses for the night shift. Join us!",
                    "x": "We are hiring nurses!",
                },
            )
            for title in post_titles
        ]
        return person.email, [(p.id, p.title) for p in posts]


def test_share_on_linkedin_copy_text_and_count_the_click(live, new_context):
    email, [(post_id, title)] = seed_ambassador(live, "Night nurses wanted")
    context = new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live.url)
    page = context.new_page()

    log_in(page, email)
    page.get_by_role("link", name="My queue").click()
    item = page.locator("article.queue-item", has=page.get_by_role("heading", name=title))
    expect(item).to_be_visible()

    item.get_by_role("button", name=re.compile(rf"^LinkedIn\s*: {re.escape(title)}$")).click()
    expect(page).to_have_url(f"{live.url}/share/{post_id}/linkedin")
    text = page.get_by_label("Your text")
    expect(text).to_have_value(re.compile("We are hiring nurses"))
    own_words = "I love working nights here. Come and join my team!"
    text.fill(own_words)
    expect(page.locator("#text-count [data-count]")).to_have_text(str(len(own_words)))
    with page.expect_navigation():  # the next page's script must run before "Copy text"
        page.get_by_role("button", name="Next: share on LinkedIn").click()
    page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/shares/\d+$"))
    expect(page.get_by_role("heading", name="Almost done: share on LinkedIn")).to_be_visible()
    expect(page.locator("#share-text")).to_have_value(own_words)

    page.get_by_role("button", name="Copy text").click()
    status = page.locator(".copy-status")
    expect(status).to_have_text(re.compile(f"^({re.escape(COPIED)}|{re.escape(COPY_FAILED)})"))
    expect(status).to_be_visible()
    if status.inner_text() == COPIED:
        assert page.evaluate("navigator.clipboard.readText()") == own_words

    tracked = page.locator("code").filter(has_text="/r/").inner_text().strip()
    assert re.fullmatch(rf"{re.escape(live.url)}/r/[A-Za-z0-9_-]{{16,64}}", tracked), tracked

    # The network's page gets the tracked link; look at it, never follow it.
    open_network = page.get_by_role("button", name="Open LinkedIn")
    href = open_network.get_attribute("href")
    network = urlsplit(href)
    assert network.scheme == "https" and network.hostname in {"www.linkedin.com", "linkedin.com"}
    assert parse_qs(network.query)["url"] == [tracked]
    assert open_network.get_attribute("target") == "_blank"

    # Someone who saw the post follows the tracked link and lands on the post's page.
    visitor = new_context().new_page()
    visitor.goto(tracked)
    landed = urlsplit(visitor.url)
    assert f"{landed.scheme}://{landed.netloc}{landed.path}" == f"{live.url}/login"
    landed_query = parse_qs(landed.query)
    # utm_content is the share's opaque reference (issue 13): not the tracked token
    reference = landed_query.pop("utm_content")[0]
    assert len(reference) >= 16 and reference not in tracked
    assert landed_query == {
        "utm_source": ["linkedin"],
        "utm_medium": ["employee_advocacy"],
        "utm_campaign": [f"post-{post_id}"],
    }

    # the click waits in the Redis stream until the worker's drain records it
    from advocacy.extensions import db
    from advocacy.tracking.service import drain_until_empty

    with live.app.app_context():
        assert drain_until_empty(db.session.commit, timeout=20) == 1

    page.get_by_role("link", name="My activity").click()
    expect(page).to_have_url(f"{live.url}/activity")
    year = page.locator("section[aria-labelledby=years-heading] table tbody tr").first
    expect(year.locator("td")).to_have_text(["1", "1", "1"])  # shares, clicks, visitors
    line = page.locator("details[open] tbody tr", has_text=title)
    expect(line).to_have_count(1)
    cells = line.locator("td")
    expect(cells.nth(1)).to_have_text("LinkedIn")
    expect(cells.nth(3)).to_have_text("1")  # clicks
    expect(page.locator("details[open] summary")).to_contain_text("1 share, 1 click")

    # The shared post has left the queue.
    page.goto("/queue")
    expect(page.get_by_role("heading", name=title)).to_have_count(0)


def test_copy_falls_back_to_selecting_the_text_when_the_browser_refuses(live, new_context):
    email, [(post_id, _title)] = seed_ambassador(live, "Porters wanted")
    context = new_context()
    # A browser that refuses both clipboard ways (as some do over plain http or in apps).
    context.add_init_script(
        "navigator.clipboard.writeText = () => Promise.reject(new Error('refused'));"
        "document.execCommand = () => false;"
    )
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/share/{post_id}/x")
    with page.expect_navigation():  # the next page's script must run before "Copy text"
        page.get_by_role("button", name="Next: share on X").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="Copy text").click()
    expect(page.locator(".copy-status")).to_contain_text(COPY_FAILED)
    expect(page.locator("#share-text")).to_be_focused()
    assert page.evaluate(
        "(() => { const a = document.getElementById('share-text');"
        " return a.selectionEnd - a.selectionStart === a.value.length; })()"
    )
    href = page.get_by_role("button", name="Open X").get_attribute("href")
    network = urlsplit(href)
    assert (network.scheme, network.hostname, network.path) == ("https", "x.com", "/intent/post")
    assert parse_qs(network.query)["text"] == ["We are hiring nurses!"]


def test_queue_fits_a_phone_and_share_buttons_take_keyboard_focus(live, new_context):
    email, posts = seed_ambassador(
        live,
        "Sykepleiere til nattevakt på Ullevål – søk innen fredag",
        "Helsefagarbeidere søkes",
        "Open day at the maternity ward",
    )
    context = new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                          has_touch=True)
    page = context.new_page()
    log_in(page, email)
    page.goto("/queue")
    for _, title in posts:
        expect(page.get_by_role("heading", name=title)).to_be_visible()

    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"horizontal scroll on a phone: {widths}"

    first_share = page.locator(".share-buttons a").first
    box = first_share.bounding_box()
    assert box and box["height"] >= 44 and box["width"] >= 44, box

    page.locator("body").focus()
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.closest('.share-buttons') ?"
            " document.activeElement.textContent : null"
        )
        if focused:
            reached.append(focused)
            if len(reached) == 2:
                break
    # The first post's own buttons, in order: LinkedIn, then X.
    assert len(reached) == 2 and reached[0].startswith("LinkedIn:"), reached
    assert reached[1] == "X" + reached[0].removeprefix("LinkedIn"), reached
    # The focused button shows where the keyboard is.
    ring = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()"
    )
    assert ring[0] != "none" and ring[1] != "0px" or ring[2] != "none", ring
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/share/\d+/x$"))
