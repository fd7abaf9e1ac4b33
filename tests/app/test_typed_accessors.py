"""The accessors that give the type checker a value which is always there, and say so loudly
when it is not: the page's blocks (insights) and a shareable post's window (demo)."""

from types import SimpleNamespace

import pytest

from advocacy import folding as fold
from advocacy.demo.posts import window_of
from advocacy.demo.specs import PostSpec
from advocacy.insights.overview import page_folding


def _post(window: tuple[int, int] | None) -> PostSpec:
    return PostSpec(n=3, kind="news", title="t", link="https://example.org/", status="live",
                    created=0, published=None, starts=None, ends=None, updated=0,
                    audience=None, topics=(), texts={}, creator=1, window=window)


def test_a_shareable_post_has_its_window_and_a_draft_none():
    assert window_of(_post((10, 20))) == (10, 20)
    with pytest.raises(ValueError, match="post 3 has no window"):
        window_of(_post(None))


def test_the_page_folding_is_there_once_the_overview_set_it():
    folding = fold.fold_units({1: None}, {0: 0, 1: 5}, 5)
    assert page_folding(SimpleNamespace(folding=folding)) is folding
    with pytest.raises(RuntimeError):
        page_folding(SimpleNamespace(folding=None))
