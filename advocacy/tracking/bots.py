"""Who is a bot: link-preview fetchers and crawlers, by their user agent.

The lists are the maintained ones: the public `crawler-user-agents` list and
`crawlerdetect`'s crawlers and exclusions, used as those libraries use them (the first
case-sensitive; the second case-insensitive, after removing its exclusions). The two crawler
lists are alternations of well over a thousand patterns, which Python's backtracking `re`
tries one by one at every position: about 0.6 ms for an ordinary browser's agent. RE2
(Google's linear-time engine) runs each as one automaton; a pattern RE2 cannot parse (a
look-ahead) stays in a small Python `re` beside it, and so do crawlerdetect's 52 exclusions
(RE2's binding does `sub` in Python, slower than `re` there). A browser's agent then takes
about 20 µs instead of 615 (bench/bots.py), so the click drain keeps up with the redirect
(docs/tracking.md "Bots"). The answers are the libraries' own, which
`tests/tracking/test_bots.py` checks agent by agent.
"""

from __future__ import annotations

import re
from functools import cache

import re2
from crawlerdetect.providers.crawlers import data as crawlerdetect_crawlers
from crawlerdetect.providers.exclusions import data as crawlerdetect_exclusions
from crawleruseragents import CRAWLER_USER_AGENTS_DATA

MAX_MEMORY = 64 << 20  # RE2's budget per automaton; the largest list needs about 20 MB


class Alternation:
    """`search` over many patterns: those RE2 parses in one RE2 automaton, the rest in re."""

    def __init__(self, patterns: list[str], ignore_case: bool) -> None:
        options = re2.Options()
        options.case_sensitive = not ignore_case
        options.max_mem = MAX_MEMORY
        options.log_errors = False
        parsed, rest = [], []
        for pattern in patterns:
            try:
                re2.compile(pattern, options)
            except re2.error:
                rest.append(pattern)
            else:
                parsed.append(pattern)
        self.fast = re2.compile("|".join(parsed), options) if parsed else None
        self.slow = re.compile("|".join(rest), re.IGNORECASE if ignore_case else 0) \
            if rest else None

    def search(self, text: str) -> bool:
        return bool((self.fast is not None and self.fast.search(text))
                    or (self.slow is not None and self.slow.search(text)))



@cache
def _lists() -> tuple[Alternation, re.Pattern[str], Alternation]:
    # crawlerdetect's 52 exclusions stay in Python's re, as crawlerdetect compiles them:
    # removing matches is quick there (9 µs), and RE2's binding does `sub` in Python.
    return (Alternation([entry["pattern"] for entry in CRAWLER_USER_AGENTS_DATA], False),
            re.compile(f"({'|'.join(crawlerdetect_exclusions)})", re.IGNORECASE),
            Alternation(list(crawlerdetect_crawlers), True))


def is_bot(user_agent: str) -> bool:
    """A crawler on either list, or no user agent at all (no person sends none).

    Runs in the click drain, off the request path."""
    agent = user_agent.strip()
    if not agent:
        return True
    listed, exclusions, crawlers = _lists()
    if listed.search(user_agent):
        return True
    rest = exclusions.sub("", agent)
    return bool(rest) and crawlers.search(rest)
