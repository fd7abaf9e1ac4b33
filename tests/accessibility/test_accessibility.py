"""The accessibility statement: public, in every footer, edited by admins with real checks."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from advocacy.accessibility.models import AccessibilityStatement
from advocacy.audit.models import AuditEntry
from tests import factories as f

GOOD = {
    "organisation": "Stavanger kommune",
    "url": "https://advocacy.stavanger.kommune.no",
    "scope": "Innlogging, forslag og deling",
    "conformance": "partial",
    "deviations": "1.4.3 | Fokusringen på blå knapper har svak kontrast | Rettes innen mars 2027\n"
                  "2.4.7 | Fokus vises ikke i kalenderen | Ny kalender i 2027",
    "method": "self",
    "feedback_email": "uu@stavanger.kommune.no",
    "feedback_phone": "+47 51 50 70 90",
    "authority": "no",
    "complaint_url": "",
    "statement_date": "2026-11-01",
    "reviewed_date": "2026-11-20",
}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def admin(login, db_session):
    person = f.user("admin", locale="nb")
    login(person)
    return person


def test_statement_page_is_public_and_says_when_it_is_not_filled_in(client, db_session):
    response = client.get("/accessibility", headers={"Accept-Language": "nb"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Tilgjengelighetserklæring</h1>" in page
    assert "ikke fylt ut tilgjengelighetserklæringen" in page


@pytest.mark.parametrize("path", ["/login", "/accessibility", "/privacy/notice"])
def test_every_page_links_the_statement_in_its_footer(client, db_session, path):
    page = client.get(path, headers={"Accept-Language": "da"}).get_data(as_text=True)
    footer = page.split("<footer", 1)[1]
    assert '<a href="/accessibility">Tilgængelighedserklæring</a>' in footer


def test_footer_link_on_pages_of_a_logged_in_person(client, login, db_session):
    login(f.user(locale="nn"))
    page = client.get("/").get_data(as_text=True)
    assert '<a href="/accessibility">Tilgjengelegheitserklæring</a>' in page.split("<footer", 1)[1]


def test_admin_saves_and_everyone_reads_the_statement(client, admin, db_session):
    response = client.post("/accessibility/edit", data=GOOD)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = db_session.scalar(select(AccessibilityStatement))
    assert row.conformance == "partial" and row.updated_by_id == admin.id
    assert [d["criterion"] for d in row.deviations] == ["1.4.3", "2.4.7"]
    assert row.deviations[0]["action"] == "Rettes innen mars 2027"
    assert db_session.scalar(select(AuditEntry.action).where(
        AuditEntry.target_type == "accessibility_statement")) == "accessibility.update"
    client.post("/logout")
    page = client.get("/accessibility", headers={"Accept-Language": "nb"}).get_data(as_text=True)
    assert "Stavanger kommune" in page
    assert "Oppfyller kravene i WCAG 2.1 nivå AA delvis" in page
    assert "WCAG 2.1 suksesskriterium 1.4.3" in page and "svak kontrast" in page
    assert 'href="mailto:uu@stavanger.kommune.no"' in page
    assert 'href="tel:+4751507090"' in page
    assert '<a href="https://www.uutilsynet.no/">Klag til Uutilsynet</a>' in page
    assert '<time datetime="2026-11-20">20. november 2026</time>' in page
    # the edit form shows the saved deviations again, one per line
    client.post("/login", data={"email": admin.email,
                                "password": "correct horse battery staple"})
    form = client.get("/accessibility/edit").get_data(as_text=True)
    assert "1.4.3 | Fokusringen på blå knapper har svak kontrast | Rettes innen mars 2027" in form


def test_danish_statement_needs_a_phone_number(client, admin, db_session):
    data = {**GOOD, "authority": "dk", "feedback_phone": ""}
    response = client.post("/accessibility/edit", data=data)
    assert response.status_code == 400
    assert "En dansk erklæring må også oppgi et telefonnummer." in response.get_data(as_text=True)
    assert count(db_session, AccessibilityStatement) == 0
    norwegian = {**GOOD, "feedback_phone": ""}  # optional in Norway
    assert client.post("/accessibility/edit", data=norwegian).status_code == 302


def test_official_link_and_overdue_review(client, admin, db_session):
    data = {**GOOD, "official_url": "https://uustatus.no/nb/erklaringer/publisert/123",
            "statement_date": "2024-01-10", "reviewed_date": "2024-02-01"}
    assert client.post("/accessibility/edit", data=data).status_code == 302
    page = client.get("/accessibility").get_data(as_text=True)
    assert 'href="https://uustatus.no/nb/erklaringer/publisert/123"' in page
    assert "sist gjennomgått for mer enn et år siden" in page
    fresh = {**GOOD, "reviewed_date": date.today().isoformat()}
    assert client.post("/accessibility/edit", data=fresh).status_code == 302
    assert "mer enn et år siden" not in client.get("/accessibility").get_data(as_text=True)


def test_danish_statement_points_to_digitaliseringsstyrelsen(client, admin, db_session):
    data = {**GOOD, "authority": "dk", "conformance": "full", "deviations": ""}
    assert client.post("/accessibility/edit", data=data).status_code == 302
    client.post("/logout")
    page = client.get("/accessibility", headers={"Accept-Language": "da"}).get_data(as_text=True)
    assert "Klag til Digitaliseringsstyrelsen" in page and 'href="https://digst.dk/"' in page
    assert "Ingen kendte." in page


def test_statement_without_a_contact_is_refused_and_changes_nothing(client, admin, db_session):
    assert client.post("/accessibility/edit", data=GOOD).status_code == 302
    before = db_session.scalar(select(AccessibilityStatement))
    audits = count(db_session, AuditEntry)
    changed = {**GOOD, "organisation": "Noe annet", "feedback_email": ""}
    response = client.post("/accessibility/edit", data=changed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "En e-postadresse for tilbakemeldinger er påkrevd" in page
    assert 'aria-invalid="true"' in page
    db_session.expire_all()
    assert db_session.scalar(select(AccessibilityStatement.organisation)) == "Stavanger kommune"
    assert before.feedback_email == "uu@stavanger.kommune.no"
    assert count(db_session, AuditEntry) == audits


def test_first_statement_without_contact_creates_no_row(client, login, db_session):
    login(f.user("admin", locale="en"))
    response = client.post("/accessibility/edit", data={**GOOD, "feedback_email": "  "})
    assert response.status_code == 400
    assert "A contact e-mail address for feedback is required" in response.get_data(as_text=True)
    assert count(db_session, AccessibilityStatement) == 0


@pytest.mark.parametrize(("change", "message"), [
    ({"deviations": "9.9.9 | x | y"}, "«9.9.9» er ikke et suksesskriterium"),
    ({"deviations": "1.4.3 bare tekst"}, "Linje 1: skriv «kriterium"),
    ({"deviations": ""}, "Før opp de kjente avvikene"),
    ({"conformance": "full"}, "ingen kjente avvik"),
    ({"conformance": "maybe"}, "Velg hvor godt kravene er oppfylt"),
    ({"feedback_email": "not-an-address"}, "Skriv inn en gyldig e-postadresse"),
    ({"feedback_phone": "ring meg"}, "Skriv et telefonnummer"),
    ({"url": "javascript:alert(1)"}, "Oppgi adressen erklæringen gjelder"),
    ({"authority": "se"}, "Velg tilsynsmyndighet"),
    ({"organisation": ""}, "Oppgi virksomheten"),
    ({"reviewed_date": "2026-10-01"}, "Siste gjennomgang kan ikke være før"),
    ({"statement_date": (date.today() + timedelta(days=3)).isoformat()}, "fram i tid"),
    ({"complaint_url": "ftp://x"}, "Lenken må begynne med http"),
    ({"official_url": "http://uustatus.no/x"}, "Lenken må begynne med https://"),
])
def test_bad_input_gets_a_message_in_the_users_language(client, admin, db_session, change,
                                                         message):
    response = client.post("/accessibility/edit", data={**GOOD, **change})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db_session, AccessibilityStatement) == 0


def test_only_admins_may_edit(client, login, db_session):
    login(f.user("curator"))
    assert client.post("/accessibility/edit", data=GOOD).status_code == 403
    assert count(db_session, AccessibilityStatement) == 0
