"""What the browser tests do on every page: log in, and measure sideways scrolling.

Each step that navigates waits until the next page has loaded, so the next check never
reads a document that is being replaced (an `evaluate` during navigation finds no
`document.documentElement`).
"""

from __future__ import annotations

from tests.conftest import PASSWORD


def log_in(page, email: str, password: str = PASSWORD, base: str = "") -> None:
    """Log in through the login form and wait for the page it leads to."""
    page.goto(f"{base}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.wait_for_load_state()


def follow(page, selector: str) -> None:
    """Click a link or a submit button and wait until the next page has loaded."""
    with page.expect_navigation():
        page.locator(selector).first.click()
    page.wait_for_load_state()


def overflow(page) -> int:
    """How many CSS pixels the page scrolls sideways (0 or less: it fits)."""
    page.wait_for_load_state()
    # clientWidth, not innerWidth: a phone browser zooms out to fit a page that is too wide,
    # so innerWidth grows with the page.
    return page.evaluate("document.documentElement.scrollWidth"
                         " - document.documentElement.clientWidth")
