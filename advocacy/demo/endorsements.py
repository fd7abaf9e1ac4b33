"""Leaders backing posts for their units, and the requests waiting for the demo leader."""

from __future__ import annotations

import bisect

from advocacy.content.models import PostStatus
from advocacy.demo import catalogue as cat
from advocacy.demo.base import GeneratorBase
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, dt, poisson
from advocacy.demo.posts import window_of
from advocacy.demo.specs import Person, PostSpec
from advocacy.endorsements.models import Endorsement, EndorsementRequest


class Endorsements(GeneratorBase):
    def build_endorsements(self) -> None:
        """Leaders back a few posts for their units; the demo leader has requests waiting."""
        rng, now, months = self.rng, self.now, self.months
        made: list[tuple[int, PostSpec, Person, str, int | None]] = []
        endorsed: set[tuple[int, int]] = set()
        for person in self.people:
            unit_id = person.leads
            if unit_id is None:
                continue
            area = self.descendants[unit_id] | self.ancestors[unit_id]
            first_month = max(0, bisect.bisect_right(months, person.joined) - 1)
            for m in range(first_month, len(months) - 1):
                count = poisson(rng, 0.08)
                if not count:
                    continue
                candidates = [s for s in self.month_posts[m]
                              if s.audience is None or s.audience in area]
                for _ in range(count):
                    if not candidates:
                        break
                    post = rng.choice(candidates)
                    opens, closes = window_of(post)
                    when = max(opens, months[m], person.joined) + rng.randrange(2 * DAY)
                    if (post.n, person.id) in endorsed or when >= min(closes, now):
                        continue
                    endorsed.add((post.n, person.id))
                    note = rng.choice(cat.ENDORSEMENT_NOTES) if rng.random() < 0.6 else ""
                    withdrawn = when + rng.randrange(DAY, 10 * DAY) if rng.random() < 0.05 else None
                    made.append((when, post, person, note,
                                 withdrawn if withdrawn is not None and withdrawn < now else None))
        made.sort(key=lambda e: (e[0], e[1].n, e[2].id))
        first = reserve_ids(self.conn, Endorsement.__table__, len(made))
        self.write(
            Endorsement.__table__,
            ("id", "post_id", "leader_id", "note", "created_at", "withdrawn_at"),
            ((first + i, post.id, person.id, note, dt(when),
              None if withdrawn is None else dt(withdrawn))
             for i, (when, post, person, note, withdrawn) in enumerate(made)),
        )
        self.endorsements = [(first + i, e[0], e[1], e[2]) for i, e in enumerate(made)]
        # A curator asked the demo leader to back two posts that are live now.
        leader, curator = self.demo_leader, self.demo_curator
        led = leader.leads
        if led is None:
            raise ValueError("the demo leader leads no unit")
        area = self.descendants[led] | self.ancestors[led]
        live = [s for s in self.posts if s.window and s.window[1] >= now
                and s.status == PostStatus.LIVE.value and (s.audience is None or s.audience in area)
                and (s.n, leader.id) not in endorsed]
        asked = sorted(live, key=lambda s: (-window_of(s)[0], s.n))[:2]
        first_request = reserve_ids(self.conn, EndorsementRequest.__table__, len(asked))
        self.write(
            EndorsementRequest.__table__,
            ("id", "post_id", "leader_id", "requested_by_id", "note", "created_at", "answered_at"),
            ((first_request + i, post.id, leader.id, curator.id, cat.ENDORSEMENT_NOTES[1],
              dt(max(window_of(post)[0], now - rng.randrange(3 * DAY))), None)
             for i, post in enumerate(asked)),
        )
