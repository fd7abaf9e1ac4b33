"""Issue 14, item 9, as a person sees it in Chromium at 1366 px: help text stays muted when
its field has an error, the Settings button is below its help text, search and filter
buttons are not stretched full-width, the corps-health unit picker shows whole names."""

from __future__ import annotations

import pytest

from tests.conftest import make_app, own_database, upgrade
from tests.e2e.browser import follow, log_in
from tests.e2e.conftest import serving

LONG = "Helse- og omsorgstjenesten, hjemmesykepleien sone nord"


@pytest.fixture(scope="module")
def live_url(tmp_path_factory):
    with own_database("advocacy_e2e_small", tmp_path_factory.mktemp("e2e")) as url:
        app = make_app(url)
        upgrade(app)
        with app.app_context():
            from advocacy.extensions import db
            from tests import factories as f

            top = f.unit("Kommunen")
            unit = f.unit(LONG, parent=top)
            f.user("admin", "curator", "leader", unit=unit, led_units=(top,),
                   email="alt@example.org")
            for i in range(6):
                f.user(unit=unit, name=f"Sykepleier {i}")
            db.session.commit()
        with serving(app) as base:
            yield base


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


def test_layout_of_help_texts_buttons_and_the_unit_picker(live_url, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    try:
        log_in(page, "alt@example.org", base=live_url)
        # a field with an error: its help text keeps the muted colour, the error is red
        page.goto(f"{live_url}/curate/programme")
        page.fill("#weekly_post_cap", "-1")
        follow(page, "main form button[type=submit]")  # the answer's styles, loaded
        colour = "e => getComputedStyle(e).color"
        assert page.locator("#weekly_post_cap[aria-invalid=true]").count() == 1
        help_colour = page.eval_on_selector("#weekly_post_cap-help", colour)
        error_colour = page.eval_on_selector("#weekly_post_cap-error", colour)
        assert help_colour != error_colour
        # the Settings button stands below the help text, not beside it
        page.goto(f"{live_url}/settings")
        help_box = _box(page, "#named_opt_in-help")
        button = _box(page, "main form[action='/settings'] button[type=submit]")
        assert button["y"] >= help_box["y"] + help_box["height"] - 1
        # search and filter buttons keep their own width
        for path, field in (("/admin/users", "#q"), ("/curate/people", "#q"),
                            ("/admin/audit", "#audit-actor")):
            page.goto(f"{live_url}{path}")
            width = _box(page, "form[method=get] button[type=submit]")["width"]
            assert width < _box(page, field)["width"] and width < 300, path
        # the unit picker is wide enough for the longest name
        page.goto(f"{live_url}/insights/health")
        select = page.locator("select[name=unit]")
        fits = select.evaluate("""s => {
            const c = document.createElement('canvas').getContext('2d');
            c.font = getComputedStyle(s).font;
            const widest = Math.max(...[...s.options].map(o => c.measureText(o.text).width));
            return s.clientWidth >= widest;
        }""")
        assert fits
    finally:
        page.close()
