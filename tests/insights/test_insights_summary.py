"""The one-line summaries of the corps-health indicators (issue 14, item 10): read from the
table's shown figures only, so a folded or left-out figure never leaks through them."""

from __future__ import annotations

from flask_babel import force_locale

from advocacy.insights.summary import summary
from advocacy.insights.tables import Table


def _people(*actives):
    return Table("people", "People", [("period", "Period"), ("enrolled", "Enrolled"),
                                      ("active", "Active"), ("active_share", "%")],
                 [{"period": f"P{i}", "enrolled": 40, "active": a, "active_share": None}
                  for i, a in enumerate(actives)])


def test_people_summary_is_the_change_the_table_shows(app):
    table = _people(25, 7, 7, 7, 22)  # lag 4: P4 against P0
    with app.test_request_context(), force_locale("en"):
        assert summary(table, 4) == ("Active ambassadors in P4: 22, 12% fewer than a year "
                                     "before.")
    with app.test_request_context(), force_locale("nb"):
        text = summary(table, 4)
    assert "22" in text and "12\xa0%" in text and "P4" in text


def test_a_folded_figure_is_never_used(app):
    # the latest period reads "<5" and the year before is left out: neither may leak
    table = _people(None, 9, 9, 8, "<5")
    with app.test_request_context(), force_locale("en"):
        text = summary(table, 4)
    assert text == "Active ambassadors in P3: 8."  # the latest shown figure, no change
    assert "<5" not in text and "%" not in text
    with app.test_request_context(), force_locale("en"):
        assert summary(_people("<5", None), 1) is None


def test_decimal_signs_follow_the_language(app):
    table = Table("concentration", "C", [("period", "Period"), ("active", "N"),
                                         ("top_share", "Top")],
                  [{"period": "2026", "active": 9, "top_share": 52.5}])
    texts = {}
    for lang in ("nb", "nn", "da", "en"):
        with app.test_request_context(), force_locale(lang):
            texts[lang] = summary(table, 1)
    assert "52,5\xa0%" in texts["nb"] and "52,5\xa0%" in texts["nn"]
    assert "52,5\xa0%" in texts["da"] and "52.5%" in texts["en"]


def test_overview_needs_every_figure_it_states(app):
    cols = [("unit", "Unit"), ("enrolled", "E"), ("active_30", "A30"), ("active_90", "A90"),
            ("active_share", "S")]
    shown = Table("overview", "O", cols, [{"unit": "All", "enrolled": 1200, "active_30": 300,
                                          "active_90": 630, "active_share": 52.5}])
    hidden = Table("overview", "O", cols, [{"unit": "All", "enrolled": 12, "active_30": "<5",
                                           "active_90": "<5", "active_share": None}])
    with app.test_request_context(), force_locale("en"):
        assert summary(shown, 12) == ("Active in the last 90 days: 630 of 1,200 ambassadors "
                                      "(52.5%).")
        assert summary(hidden, 12) is None
