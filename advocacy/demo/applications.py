"""Applications for the job posts, as the applicant-tracking system would report them."""

from __future__ import annotations

import bisect

from advocacy.activity.models import EventKind
from advocacy.demo.base import GeneratorBase
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, dt, poisson
from advocacy.demo.specs import NETWORKS, Person
from advocacy.recruitment.models import Application


class Applications(GeneratorBase):
    def build_applications(self, people: dict[int, Person]) -> list[tuple]:
        """Applications for the job posts, as the ATS would report them: some through a
        share's reference, most from other channels; a few hired. Returns their events."""
        rng, now = self.side_rng, self.now
        channels = (("own_pages", 3.0), ("job_board", 4.0), ("print", 0.6),
                    ("word_of_mouth", 1.5), ("other", 0.5), ("unknown", 1.0))
        rows: list[tuple] = []  # (at, post_id, channel, network, share_id, outcome)
        for i, (when, user_id, post, network, _text, _reach) in enumerate(self.shares):
            if post.kind == "job" and rng.random() < 0.12:
                at = when + int(rng.expovariate(1 / (2 * DAY)))
                if at < now:
                    rows.append((at, post.id, "employee_share", NETWORKS[network],
                                 self.first_share_id + i, user_id))
        for post in self.posts:
            if post.kind != "job" or post.published is None:
                continue
            for channel, lam in channels:
                for _ in range(poisson(rng, lam)):
                    at = post.published + rng.randrange(21 * DAY)
                    if at < now:
                        rows.append((at, post.id, channel, None, None, None))
        rows.sort(key=lambda r: (r[0], r[1]))
        first = reserve_ids(self.conn, Application.__table__, len(rows))
        outcomes = ("applied", "interviewed", "offered", "hired", "withdrawn")
        picked = [outcomes[bisect.bisect((0.7, 0.85, 0.9, 0.96, 1.0), rng.random())]
                  for _ in rows]
        self.write(
            Application.__table__,
            ("id", "post_id", "ats_application_id", "channel", "network", "share_id",
             "reported_via", "outcome", "applied_at", "hired_at", "updated_at"),
            ((first + i, r[1], f"DEMO-{first + i}", r[2], r[3], r[4], "api", picked[i],
              dt(r[0]), dt(r[0] + 30 * DAY) if picked[i] == "hired" else None, dt(r[0]))
             for i, r in enumerate(rows)),
        )
        events = []
        for i, r in enumerate(rows):
            if r[4] is None:
                continue
            person = people[r[5]]
            events.append((r[0], EventKind.APPLICATION.value, person.id, person.stint_at(r[0])[0],
                           person.leads is not None, r[1], first + i, r[3], None))
            hired = r[0] + 30 * DAY
            if picked[i] == "hired" and hired < now:  # the hire the sharer brought
                events.append((hired, EventKind.HIRE.value, person.id,
                               person.stint_at(hired)[0], person.leads is not None, r[1],
                               first + i, r[3], None))
        return events
