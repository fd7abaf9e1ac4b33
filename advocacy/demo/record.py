"""Kudos, and the activity record: every act as activity.recording.record_event would have
written it."""

from __future__ import annotations

import bisect

from advocacy.activity.models import ActivityEvent, EventKind
from advocacy.demo import catalogue as cat
from advocacy.demo.applications import Applications
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import dt, poisson
from advocacy.demo.specs import NETWORKS, Person
from advocacy.endorsements.models import Kudos
from advocacy.queue.models import QueueChoice


class Record(Applications):
    def build_record(self) -> None:
        """Kudos, then every act as activity.recording.record_event would have written it:
        with the person's unit at that moment and whether they are a leader."""
        rng, now, months = self.rng, self.now, self.months
        people = {p.id: p for p in self.people}
        events: list[tuple] = []  # (at, kind, user, unit, leader, post, ref, network, value)
        sharers: dict[tuple[int, int], list[int]] = {}
        for i, (when, user_id, post, network, _text, _reach) in enumerate(self.shares):
            person = people[user_id]
            unit_id = person.stint_at(when)[0]
            went_live = max(t for t in (post.published, post.starts) if t is not None)
            events.append((when, EventKind.SHARE.value, user_id, unit_id, person.leads is not None,
                           post.id, self.first_share_id + i, NETWORKS[network],
                           max(0, (when - went_live) // 60)))
            month = bisect.bisect_right(months, when) - 1
            sharers.setdefault((month, unit_id), []).append(user_id)
        for i, (user_id, post_id, choice, _until, when) in enumerate(self.decisions):
            person = people[user_id]
            kind = (EventKind.SKIP if choice == QueueChoice.SKIPPED.value else EventKind.SNOOZE)
            events.append((when, kind.value, user_id, person.stint_at(when)[0],
                           person.leads is not None, post_id, self.first_decision_id + i, None,
                           None))
        for endorsement_id, when, post, leader in self.endorsements:
            events.append((when, EventKind.ENDORSE.value, leader.id, leader.stint_at(when)[0],
                           True, post.id, endorsement_id, None, None))
        # Kudos: now and then a leader thanks someone who shared lately in their units.
        given: list[tuple[int, Person, Person, str]] = []
        for leader in self.people:
            led = leader.leads
            if led is None:
                continue
            area = self.descendants[led]
            first_month = max(1, bisect.bisect_right(months, leader.joined) - 1)
            for m in range(first_month, len(months) - 1):
                lo, hi = max(months[m], leader.joined), min(months[m + 1], now)
                count = poisson(rng, 0.12) if hi > lo else 0
                if not count:
                    continue
                pool = [u for month in (m - 1, m) for unit in sorted(area)
                        for u in sharers.get((month, unit), ())]
                for _ in range(count):
                    when = lo + rng.randrange(hi - lo)
                    for _try in range(10):
                        if not pool:
                            break
                        recipient = people[rng.choice(pool)]
                        if recipient is not leader and recipient.stint_at(when)[0] in area:
                            first_name = recipient.name.split()[0]
                            message = rng.choice(cat.KUDOS_MESSAGES).format(first=first_name)
                            given.append((when, leader, recipient, message))
                            break
        given.sort(key=lambda k: (k[0], k[1].id, k[2].id))
        first_kudos = reserve_ids(self.conn, Kudos.__table__, len(given))
        self.write(
            Kudos.__table__, ("id", "from_user_id", "to_user_id", "message", "created_at"),
            ((first_kudos + i, leader.id, recipient.id, message, dt(when))
             for i, (when, leader, recipient, message) in enumerate(given)),
        )
        for i, (when, leader, recipient, _message) in enumerate(given):
            events.append((when, EventKind.KUDOS_GIVEN.value, leader.id,
                           leader.stint_at(when)[0], True, None, first_kudos + i, None, None))
            events.append((when, EventKind.KUDOS_RECEIVED.value, recipient.id,
                           recipient.stint_at(when)[0], recipient.leads is not None, None,
                           first_kudos + i, None, None))
        events.extend(self.build_applications(people))
        events = [e for e in events if e[0] < now]
        events.sort(key=lambda e: (e[0], e[1], e[6], e[2]))
        first_event = reserve_ids(self.conn, ActivityEvent.__table__, len(events))
        self.write(
            ActivityEvent.__table__,
            ("id", "kind", "occurred_at", "user_id", "unit_id", "as_leader", "post_id", "ref_id",
             "network", "value"),
            ((first_event + i, kind, dt(at), user_id, unit_id, leader, post_id, ref_id, network,
              value)
             for i, (at, kind, user_id, unit_id, leader, post_id, ref_id, network, value)
             in enumerate(events)),
        )
