"""Issue 14, item 8 in a real browser at 390 px: an admin changes a person and moves a unit."""

from __future__ import annotations

from tests.e2e.browser import follow, log_in, overflow

PHONE = {"width": 390, "height": 844}


def test_admin_edits_a_person_and_a_unit_on_a_phone(live, new_context):
    from tests import factories as f

    with live.seed():
        top = f.unit("Phone kommune")
        ward = f.unit("Phone post med et ganske langt navn på enheten", parent=top)
        other = f.unit("Phone annen", parent=top)
        f.user("admin", email="phone-admin@example.org", name="Phone Admin", locale="nb")
        person = f.user(unit=ward, email="phone-person@example.org",
                        name="Phone Person Med Et Langt Navn")
        person_id, ward_id, other_id = person.id, ward.id, other.id
    context = new_context(viewport=PHONE, locale="nb-NO", is_mobile=True, has_touch=True)
    page = context.new_page()
    log_in(page, "phone-admin@example.org")

    page.goto("/admin/users?q=phone-person")
    assert overflow(page) <= 0
    follow(page, f"a[href='/admin/users/{person_id}']")
    assert overflow(page) <= 0
    page.fill("input[name=email]", "not an address")
    follow(page, "main form button[type=submit]")
    assert page.locator("#email-error").is_visible()
    assert page.locator("#email").get_attribute("aria-invalid") == "true"
    assert overflow(page) <= 0
    page.fill("input[name=email]", "phone-person-2@example.org")
    page.fill("input[name=title]", "Helsefagarbeider")
    page.check("input[name=roles][value=curator]")
    follow(page, "main form button[type=submit]")
    assert "er lagret" in page.locator("main").inner_text()

    page.goto(f"/admin/units/{ward_id}")
    assert overflow(page) <= 0
    page.select_option("select[name=parent_id]", str(other_id))
    follow(page, "main form button[type=submit]")
    assert page.url.endswith("/admin/units")
    assert overflow(page) <= 0
    page.goto("/admin/audit")
    text = page.locator("main").inner_text()
    assert "Endret en person" in text and "Endret en enhet" in text
    assert "user.update" not in text

    with live.app.app_context():
        from advocacy.accounts.models import Unit, User
        from advocacy.extensions import db

        changed = db.session.get(User, person_id)
        assert changed.email == "phone-person-2@example.org"
        assert changed.role_names == {"ambassador", "curator"}
        assert db.session.get(Unit, ward_id).parent_id == other_id
        db.session.remove()
