"""Who a post is for beyond its units: professions and reading languages."""

from __future__ import annotations

from collections.abc import Iterable

from advocacy.config import NORWEGIAN
from advocacy.content.models import Post


def audience_fits(post: Post, title: str | None,
                  languages: str | Iterable[str] | None) -> bool:
    """Professions and languages; units are matched in the queue with the unit tree.

    A profession matches when it appears in the person's job title ("sykepleier" reaches
    "Intensivsykepleier"). `languages` are the person's reading languages (one code or
    several; docs/i18n.md): a person who chose none is not excluded by language.
    Bokmål and Nynorsk readers read each other's written form: a post for either reaches both.
    """
    titles = post.audience_titles or []
    if titles:
        own = (title or "").casefold()
        if not own or not any(t.casefold() in own for t in titles):
            return False
    return language_fits(post, languages)


def language_fits(post: Post, languages: str | Iterable[str] | None) -> bool:
    """A post without languages fits every reader; a reader who chose none reads every post;
    otherwise they share a language (nb and nn counting as one, see audience_fits)."""
    wanted = set(post.audience_languages or [])
    if wanted & NORWEGIAN:
        wanted |= NORWEGIAN
    reads = {languages} if isinstance(languages, str) else set(languages or ())
    return not (wanted and reads and not (wanted & reads))
