"""Issue 14, item 5: audit entries and post history read as translated sentences, no keys."""

import re

import pytest
from flask_babel import force_locale

from advocacy.audit import describe
from advocacy.audit.models import AuditEntry

KEYS = re.compile(r"[a-z]+\.[a-z_]+|[a-z]+_[a-z_]+|\[|\]|'|#None|\bNone\b")


def entry(action, target_type=None, target_id=None, **details):
    return AuditEntry(action=action, target_type=target_type, target_id=target_id,
                      details=details)


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


CASES = {
    "en": {
        "approve": ("Approved a post", "Post no. 12", ["Status: Live"]),
        "import": ("Imported people", "People import", ["3 added", "1 updated", "0 unchanged"]),
        "programme": ("Changed the programme settings", "Programme settings",
                      ["Changed: Guidelines version, Name"]),
        "status": "Status: Draft → In review",
        "text": "LinkedIn text, version A removed (was Hei)",
        "roles": "Administrator, Ambassador",
    },
    "nb": {
        "approve": ("Godkjente et innlegg", "Innlegg nr. 12", ["Status: Publisert"]),
        "import": ("Importerte personer", "Personimport",
                   ["3 lagt til", "1 oppdatert", "0 uendret"]),
        "programme": ("Endret programinnstillingene", "Programinnstillinger",
                      ["Endret: Versjon av retningslinjene, Navn"]),
        "status": "Status: Utkast → Til godkjenning",
        "text": "LinkedIn-tekst, versjon A fjernet (var Hei)",
        "roles": "Administrator, Ambassadør",
    },
    "da": {
        "approve": ("Godkendte et opslag", "Opslag nr. 12", ["Status: Publiceret"]),
        "import": ("Importerede personer", "Personimport",
                   ["3 tilføjet", "1 opdateret", "0 uændret"]),
        "programme": ("Ændrede programindstillingerne", "Programindstillinger",
                      ["Ændret: Version af retningslinjerne, Navn"]),
        "status": "Status: Kladde → Til godkendelse",
        "text": "LinkedIn-tekst, version A fjernet (var Hei)",
        "roles": "Administrator, Ambassadør",
    },
}


@pytest.mark.parametrize("locale", ["en", "nb", "da"])
def test_audit_entries_read_as_sentences(ctx, locale):
    want = CASES[locale]
    with force_locale(locale):
        approve = describe.describe_entry(entry("post.approve", "post", 12, status="live"))
        imported = describe.describe_entry(entry("people.import", "import", None,
                                                 created=3, updated=1, unchanged=0))
        programme = describe.describe_entry(entry(
            "programme.update", "programme", 1, changed=["guidelines_version", "name"]))
    for said, (action, target, details) in zip(
            (approve, imported, programme),
            (want["approve"], want["import"], want["programme"]), strict=True):
        assert (said["action"], said["target"], said["details"]) == (action, target, details)
        assert not KEYS.search(" ".join([said["action"], said["target"], *said["details"]]))


@pytest.mark.parametrize("locale", ["en", "nb", "da"])
def test_post_history_reads_as_sentences(ctx, locale):
    want = CASES[locale]
    changes = {"text_linkedin_A": ["Hei", None], "text_x_B": [None, ""],
               "status": ["draft", "in_review"],
               "topics": [[], ["Omsorg", "Pleie"]]}
    with force_locale(locale):
        lines = describe.history_lines(changes)
        roles = describe.role_labels({"admin", "ambassador"})
    assert lines[0] == want["status"]  # status first
    assert want["text"] in lines
    assert len(lines) == 3  # the field empty before and after is left out
    assert lines[-1].endswith(": Omsorg, Pleie")
    assert roles == want["roles"]
    assert not KEYS.search(" ".join(lines))


def test_unknown_keys_fall_back_to_words(ctx):
    with force_locale("nb"):
        said = describe.describe_entry(entry("badge.award_given", "badge_kind", 4,
                                             some_new_field=["a_b", 2]))
        line = describe.change_line("weird_field", ["x", "y"])
    assert said["action"] == "Badge award given"
    assert said["target"] == "Badge kind nr. 4"
    assert said["details"] == ["Some new field: a_b, 2"]
    assert line == "Weird field: x → y"
    assert describe.humanise("") == "—"


def test_removed_and_boolean_values(ctx):
    with force_locale("da"):
        removed = describe.change_line("image", ["foto.jpg", None])
        flag = describe.detail_lines({"require_second_approval": True})
    assert removed == "Billede fjernet (var foto.jpg)"
    assert flag == ["Kræver godkendelse af en mere: ja"]


def test_a_persons_title_is_their_job_title(ctx):
    with force_locale("en"):
        said = describe.describe_entry(entry("user.update", "user", 3,
                                             changed=["title", "unit", "roles"],
                                             roles=["ambassador", "leader"]))
    assert said["target"] == "Person no. 3"
    assert said["details"] == ["Changed: Job title or profession, Unit, Roles",
                               "Roles: Ambassador, Leader"]


def test_networks_and_languages_read_as_names(ctx):
    assert describe.network_names(["linkedin", "x"]) == "LinkedIn, X"
    assert describe.language_names(["nb", "da"]) == "Norsk bokmål, Dansk"
    with force_locale("nb"):
        assert describe.change_line("languages", [[], ["nb", "da"]]) == \
            "Språk: Norsk bokmål, Dansk"
