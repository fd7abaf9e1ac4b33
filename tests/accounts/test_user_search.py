"""One user search (accounts.service.user_search) behind the admin's users page and the
curators' people page: name or e-mail, any case, and `%` / `_` are literal characters."""

from __future__ import annotations

import pytest

from tests import factories as f


@pytest.mark.parametrize("page", ["/admin/users", "/curate/people"])
def test_both_pages_find_by_name_or_email_and_take_wildcards_literally(page, client, login,
                                                                     db_session):
    login(f.user("admin", "curator", name="Ada Admin", email="ada@example.org"))
    f.user(name="Kari Nordmann", email="kari.n@example.org")
    f.user(name="Per 100% Hansen", email="per@example.org")
    f.user(name="Ola Olsen", email="ola_olsen@example.org")
    f.user(name="Liv Lie", email="olaXolsen@example.org")

    def found(query: str) -> set[str]:
        text = client.get(page, query_string={"q": query}).get_data(as_text=True)
        return {name for name in ("Kari Nordmann", "Per 100% Hansen", "Ola Olsen", "Liv Lie")
                if name in text}

    assert found("NORDMANN") == {"Kari Nordmann"}
    assert found("kari.n@") == {"Kari Nordmann"}
    assert found("100%") == {"Per 100% Hansen"}
    assert found("%") == {"Per 100% Hansen"}  # not "everyone"
    assert found("ola_") == {"Ola Olsen"}  # "_" is not "any one character"
    assert found("  liv  ") == {"Liv Lie"}
