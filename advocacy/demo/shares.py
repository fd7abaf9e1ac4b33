"""What ambassadors did with the posts: shares on their networks, the clicks on them, and skips
and snoozes in the queue."""

from __future__ import annotations

import base64
import bisect
import itertools
import math
import random
from collections.abc import Iterator

from advocacy.content.models import NETWORK_LIMITS
from advocacy.demo import catalogue as cat
from advocacy.demo.base import GeneratorBase
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, HOUR, dt, poisson
from advocacy.demo.posts import window_of
from advocacy.demo.specs import NETWORKS, PostSpec
from advocacy.queue.models import QueueChoice, QueueDecision
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

# Seasons in a Norwegian workplace: quiet in the July holidays and at Christmas.
SHARE_SEASON = (1.05, 1.15, 1.15, 1.0, 0.95, 0.8, 0.35, 0.85, 1.15, 1.1, 1.05, 0.6)
# When people share (UTC hours; Norway is UTC+1/+2): mornings, lunch and evenings.
HOUR_WEIGHTS = (
    0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 3.5, 3.0, 2.5, 3.5, 3.0,
    2.0, 2.0, 2.0, 2.5, 3.0, 3.5, 4.0, 3.5, 3.0, 2.0, 1.0, 0.5,
)
HOUR_CUM = list(itertools.accumulate(HOUR_WEIGHTS))
KIND_CLICKS = {"job": 1.3, "story": 1.2, "event": 1.0, "news": 0.8}
NETWORK_CLICKS = (5.0, 4.5, 2.0, 1.2)  # per NETWORKS entry
CLICK_BASE = 1.4


class Shares(GeneratorBase):
    def fits(self, ancestors: frozenset[int], post: PostSpec, topics: frozenset[int]) -> bool:
        if post.audience is not None and post.audience not in ancestors:
            return False
        return not (topics and post.topics and not any(t in topics for t in post.topics))

    def build_shares(self) -> None:
        rng, now, months = self.rng, self.now, self.months
        shares: list[tuple] = []  # (time, user_id, post, network index, text, reach)
        decisions: list[tuple] = []  # (user_id, post_id, choice, snoozed_until, created)
        for person in self.people:
            if not person.is_ambassador:
                continue
            # Leaders go first: they share sooner after a post goes live.
            delay = 0.4 * DAY if person.leads else 3 * DAY
            a = max(person.joined, self.start)
            b = min(person.stop if person.stop is not None else now, now)
            if b <= a:
                continue
            topics = frozenset(person.topics)
            shared: set[int] = set()
            first_month = bisect.bisect_right(months, a) - 1
            last_month = bisect.bisect_right(months, b - 1) - 1
            for m in range(first_month, last_month + 1):
                lo, hi = max(months[m], a), min(months[m + 1], b)
                candidates = self.month_posts[m]
                if hi <= lo or not candidates:
                    continue
                age = (lo - a) / (30 * DAY)
                lam = (person.rate * SHARE_SEASON[dt(lo).month - 1]
                       * (0.35 + 0.65 * math.exp(-age / 18))
                       * (hi - lo) / (months[m + 1] - months[m]))
                ancestors = person.stint_at(lo)[1]
                for _ in range(poisson(rng, lam)):
                    post = self.pick_post(ancestors, candidates, topics, shared)
                    if post is None:
                        continue
                    opens, closes = window_of(post)
                    lo2, hi2 = max(opens, lo), min(closes, hi)
                    if hi2 <= lo2:
                        continue
                    when = lo2 + int(rng.expovariate(1 / delay))
                    if when >= hi2:
                        when = lo2 + rng.randrange(hi2 - lo2)
                    hour = bisect.bisect(HOUR_CUM, rng.random() * HOUR_CUM[-1])
                    moved = when - when % DAY + hour * HOUR + rng.randrange(HOUR)
                    if lo2 <= moved < hi2:
                        when = moved
                    shared.add(post.n)
                    for network in self.share_networks(post, person.networks):
                        shares.append((when, person.id, post, network,
                                       self.share_text(post, network), person.reach))
                        # the next network a few minutes later, still inside the window
                        when = min(when + rng.randrange(30, 600), hi2 - 1)
            self.decide(person, a, b, topics, shared, decisions)
        shares.sort(key=lambda s: (s[0], s[1], s[2].n, s[3]))
        shares = [s for s in shares if s[0] < now]
        first = reserve_ids(self.conn, Share.__table__, len(shares))
        tokens = self.tokens(len(shares))
        # Share references (utm_content) from a generator of their own, so adding them
        # left every other demo row as it was for a seed.
        references = self.tokens(len(shares), rng=self.side_rng)
        self.write(
            Share.__table__,
            ("id", "user_id", "post_id", "network", "text", "token", "created_at", "reference"),
            ((first + i, s[1], s[2].id, NETWORKS[s[3]], s[4], tokens[i], dt(s[0]),
              references[i]) for i, s in enumerate(shares)),
        )
        if shares:
            self.first_share, self.last_share = dt(shares[0][0]), dt(shares[-1][0])
        decisions.sort(key=lambda d: (d[4], d[0], d[1]))
        first_decision = reserve_ids(self.conn, QueueDecision.__table__, len(decisions))
        self.write(
            QueueDecision.__table__,
            ("id", "user_id", "post_id", "choice", "snoozed_until", "created_at"),
            ((first_decision + i, d[0], d[1], d[2], None if d[3] is None else dt(d[3]), dt(d[4]))
             for i, d in enumerate(decisions)),
        )
        self.write(Click.__table__,
                   ("share_id", "created_at", "visitor_hash", "referrer_host", "is_bot"),
                   self.clicks(shares, first))
        self.shares, self.first_share_id = shares, first
        self.decisions, self.first_decision_id = decisions, first_decision

    def pick_post(self, ancestors, candidates, topics, exclude) -> PostSpec | None:
        choice = self.rng.choice
        for _ in range(12):
            post = choice(candidates)
            if post.n not in exclude and self.fits(ancestors, post, topics):
                return post
        return None

    def share_networks(self, post: PostSpec, weights: tuple[float, ...]) -> list[int]:
        rng = self.rng
        allowed = [(i, weights[i]) for i in post.networks]
        total = sum(w for _i, w in allowed)
        pick, acc, chosen = rng.random() * total, 0.0, allowed[-1][0]
        for i, w in allowed:
            acc += w
            if pick < acc:
                chosen = i
                break
        out = [chosen]
        if len(allowed) > 1 and rng.random() < 0.08:  # the same post on a second network
            second = rng.choice([i for i, _w in allowed if i != chosen])
            out.append(second)
        return out

    def share_text(self, post: PostSpec, network: int) -> str:
        rng = self.rng
        suggested = post.texts[NETWORKS[network]]
        if rng.random() < 0.3:  # in their own words, a little
            prefix = rng.choice(cat.SHARE_PREFIXES)
            if len(prefix) + len(suggested) <= NETWORK_LIMITS[NETWORKS[network]]:
                return prefix + suggested
        return suggested

    def decide(self, person, a, b, topics, shared, decisions) -> None:
        """Some skips over the years and, for people still at it, a few snoozes."""
        rng, now, months = self.rng, self.now, self.months
        decided: set[int] = set()
        active_months = (b - a) / (30 * DAY)
        first_month = bisect.bisect_right(months, a) - 1
        last_month = bisect.bisect_right(months, b - 1) - 1
        for _ in range(min(40, poisson(rng, 0.12 * active_months))):
            m = rng.randint(first_month, last_month)
            candidates = self.month_posts[m]
            if not candidates:
                continue
            ancestors = person.stint_at(months[m])[1]
            post = self.pick_post(ancestors, candidates, topics, shared)
            if post is None or post.n in decided:
                continue
            opens, closes = window_of(post)
            lo, hi = max(opens, months[m], a), min(closes, months[m + 1], b)
            if hi <= lo:
                continue
            when = lo + rng.randrange(hi - lo)
            decided.add(post.n)
            if rng.random() < 0.8:
                decisions.append((person.id, post.id, QueueChoice.SKIPPED.value, None, when))
            else:
                until = when + rng.choice((1, 3, 7)) * DAY
                decisions.append((person.id, post.id, QueueChoice.SNOOZED.value, until, when))
        if b >= now and rng.random() < 0.15:
            candidates = [p for p in self.month_posts[last_month] if window_of(p)[1] >= now]
            post = (self.pick_post(person.ancestors, candidates, topics, shared)
                    if candidates else None)
            if post is not None and post.n not in decided:
                when = max(now - rng.randrange(3 * DAY), window_of(post)[0] + 1, a)
                until = when + rng.choice((1, 3, 7)) * DAY
                decisions.append((person.id, post.id, QueueChoice.SNOOZED.value, until, when))

    def tokens(self, count: int, rng: random.Random | None = None) -> list[str]:
        """128-bit url-safe tokens like the real ones, drawn from the seeded generator."""
        bits = (rng or self.rng).getrandbits
        seen: set[str] = set()
        out: list[str] = []
        while len(out) < count:
            token = base64.urlsafe_b64encode(bits(128).to_bytes(16, "big")).rstrip(b"=").decode()
            if token not in seen:
                seen.add(token)
                out.append(token)
        return out

    def clicks(self, shares: list[tuple], first_id: int) -> Iterator[tuple]:
        rng, now = self.rng, self.now
        random_, expo, bits = rng.random, rng.expovariate, rng.getrandbits
        referrers = []
        for network in NETWORKS:
            hosts = [h for h, _w in cat.REFERRERS[network]]
            cum = list(itertools.accumulate(w for _h, w in cat.REFERRERS[network]))
            referrers.append((hosts, cum))
        for i, (when, _user, post, network, _text, reach) in enumerate(shares):
            share_id = first_id + i
            rows: list[tuple[int, str, str | None, bool]] = []
            if random_() < 0.3:  # the network fetches a link preview at once
                rows.append((when + 1 + int(random_() * 40), f"{bits(256):064x}", None, True))
            if random_() < 0.02:  # a crawler, some day later
                rows.append((when + int(random_() * 20 * DAY), f"{bits(256):064x}", None, True))
            lam = CLICK_BASE * reach * KIND_CLICKS[post.kind] * NETWORK_CLICKS[network]
            hosts, cum = referrers[network]
            last_hash = None
            for _ in range(poisson(rng, lam * expo(1.0))):
                delay = expo(1 / (5 * HOUR)) if random_() < 0.8 else DAY + random_() * 13 * DAY
                at = when + 2 + int(delay)
                if at >= now:
                    continue
                if last_hash is not None and random_() < 0.12:
                    visitor = last_hash  # the same person came back
                else:
                    visitor = last_hash = f"{bits(256):064x}"
                host = hosts[bisect.bisect(cum, random_() * cum[-1])]
                rows.append((at, visitor, host, False))
            rows.sort(key=lambda row: row[0])
            for at, visitor, host, bot in rows:
                if at < now:
                    yield (share_id, dt(at), visitor, host, bot)
