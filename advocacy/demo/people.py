"""The people: the demo logins, the programme's curators and leaders, and the ambassadors, with
their roles, topics, unit history and how keen they are."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from advocacy.accounts.models import Role, RoleName, User, user_topics
from advocacy.activity.models import UnitMembership
from advocacy.demo import catalogue as cat
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, dt
from advocacy.demo.organisation import Organisation
from advocacy.demo.specs import LeafInfo, Login, Person
from advocacy.demo.words import slug

# Leaders in each sector: more than the privacy minimum (min_group_size 5), so the "leaders
# go first" figures appear on the sector leaders' pages even in a small demo.
SECTOR_LEADERS = 6


class People(Organisation):
    def new_name(self) -> tuple[str, str]:
        rng = self.rng
        firsts = cat.FEMALE if rng.random() < 0.62 else cat.MALE
        first = rng.choice(firsts)
        if rng.random() < 0.07:
            second = rng.choice(firsts)
            if second != first:
                first = f"{first} {second}"
        last = rng.choice(cat.SURNAMES)
        if rng.random() < 0.05:
            other = rng.choice(cat.SURNAMES)
            if other != last:
                last = f"{other} {last}"
        return first, last

    def email_for(self, first: str, last: str) -> str:
        local = ".".join(part for part in (slug(first), slug(last)) if part).replace("-", ".")
        seen = self.emails.get(local, 0) + 1
        self.emails[local] = seen
        if seen > 1:
            local = f"{local}{seen}"
        return f"{local}@{cat.DOMAIN}"

    def person(self, *, title: str, leaf: LeafInfo | None = None, unit_id: int | None = None,
               roles: list[tuple[str, int | None]], joined: int, email: str | None = None,
               locale: str | None = "nb") -> Person:
        first, last = self.new_name()
        if unit_id is None:
            if leaf is None:
                raise ValueError("a person needs a unit")
            unit_id = leaf.unit_id
        ancestors = leaf.ancestors if leaf else self.ancestors[unit_id]
        return Person(
            name=f"{first} {last}", email=email or self.email_for(first, last), title=title,
            unit_id=unit_id, leaf=leaf, ancestors=ancestors, locale=locale, roles=roles,
            joined=joined, can_login=email is not None,
        )

    def tune(self, p: Person, *, rate: float, reach: float, profile: cat.Profile | None) -> None:
        rng = self.rng
        p.rate, p.reach = rate, reach
        base = profile.networks if profile else cat.OFFICE
        linkedin, facebook, x, instagram = (w * rng.uniform(0.3, 1.7) for w in base)
        if rng.random() < 0.85:
            x *= 0.1  # most people are not on X
        if rng.random() < 0.6:
            instagram *= 0.2
        p.networks = (linkedin, facebook, x, instagram)

    def build_people(self) -> None:
        rng, start = self.rng, self.start
        amb, cur, lead, adm = (RoleName.AMBASSADOR.value, RoleName.CURATOR.value,
                               RoleName.LEADER.value, RoleName.ADMIN.value)
        people: list[Person] = []
        # The fixed demo logins first, then the people who run the programme.
        admin = self.person(title="IT-rådgiver", leaf=self.leaf_named("IT"), roles=[(adm, None)],
                            joined=start - 21 * DAY, email=f"admin@{cat.DOMAIN}")
        curator = self.person(
            title="kommunikasjonsrådgiver", leaf=self.leaf_named("Kommunikasjon"),
            roles=[(cur, None), (amb, None)], joined=start - 14 * DAY,
            email=f"kurator@{cat.DOMAIN}",
        )
        helse = self.sector_ids["Helse og omsorg"]
        leader = self.person(
            title=cat.SECTOR_TITLES["Helse og omsorg"], unit_id=helse,
            roles=[(lead, helse), (amb, None)], joined=start - 7 * DAY,
            email=f"leder@{cat.DOMAIN}",
        )
        nurse_leaf = self.leaf_named("Solbakken sykehjem")
        ambassador = self.person(title="sykepleier", leaf=nurse_leaf, roles=[(amb, None)],
                                 joined=start + 2 * DAY, email=f"ambassador@{cat.DOMAIN}")
        self.tune(curator, rate=2.5, reach=1.5, profile=cat.PROFILES["komm"])
        self.tune(leader, rate=2.0, reach=3.0, profile=None)
        self.tune(ambassador, rate=3.0, reach=1.4, profile=cat.PROFILES["sykehjem"])
        ambassador.networks = (1.0, 1.6, 0.1, 0.5)
        ambassador.topics = (self.topic_ids["sykepleie"], self.topic_ids["rekruttering"])
        ambassador.named = True  # so that the demo leader's page shows kudos to a name
        self.demo_leader, self.demo_curator = leader, curator
        people += [admin, curator, leader, ambassador]
        self.logins = [
            Login(admin.email, admin.name, "admin"),
            Login(curator.email, curator.name, "curator + ambassador"),
            Login(leader.email, leader.name, "leader of Helse og omsorg + ambassador"),
            Login(ambassador.email, ambassador.name, "ambassador (sykepleier)"),
        ]
        top = self.person(title="kommunedirektør", unit_id=self.root_id,
                          roles=[(lead, self.root_id), (amb, None)], joined=start - 7 * DAY)
        self.tune(top, rate=1.5, reach=5.0, profile=None)
        people.append(top)
        for sector, unit_id in self.sector_ids.items():
            if sector == "Helse og omsorg":
                continue
            p = self.person(title=cat.SECTOR_TITLES[sector], unit_id=unit_id,
                            roles=[(lead, unit_id), (amb, None)],
                            joined=start - rng.randrange(7 * DAY))
            self.tune(p, rate=rng.lognormvariate(math.log(1.5), 0.5), reach=2.5, profile=None)
            people.append(p)
        for title, leaf_name, email in (
                ("HR-rådgiver", "Personal og organisasjon", f"kurator2@{cat.DOMAIN}"),
                ("kommunikasjonsrådgiver", "Kommunikasjon", None)):
            leaf = self.leaf_named(leaf_name)
            p = self.person(title=title, leaf=leaf, roles=[(cur, None), (amb, None)],
                            joined=start - rng.randrange(14 * DAY), email=email)
            self.tune(p, rate=rng.lognormvariate(math.log(2.5), 0.4), reach=1.5,
                      profile=cat.PROFILES[leaf.leaf.profile])
            people.append(p)
            if email:  # a second curator, so four-eyes review can be tried (docs/curation.md)
                self.logins.insert(2, Login(email, p.name, "second curator + ambassador "
                                            "(approves what kurator@ sends for review)"))
        if self.n >= 150:  # enough people for a leader in every unit below the sectors
            for group, unit_id, _path in self.sub_groups:
                p = self.person(title=group.leader_title, unit_id=unit_id,
                                roles=[(lead, unit_id), (amb, None)],
                                joined=start + rng.randrange(60 * DAY))
                self.tune(p, rate=rng.lognormvariate(math.log(1.2), 0.6), reach=2.0,
                          profile=None)
                people.append(p)
            for info in self.leaves:
                profile = cat.PROFILES[info.leaf.profile]
                p = self.person(title=profile.leader_title, leaf=info,
                                roles=[(lead, info.unit_id), (amb, None)],
                                joined=start + rng.randrange(120 * DAY))
                self.tune(p, rate=rng.lognormvariate(math.log(1.0), 0.7), reach=2.0,
                          profile=profile)
                people.append(p)
        else:  # a small demo: leaders of the first units of each sector, above the minimum
            # Helse og omsorg (the demo leader's sector) first, then the others in turn,
            # never more ambassadors than asked for.
            order = sorted(self.sector_ids.values(), key=lambda u: u != helse)
            per_sector = {sector_id: [info for info in self.leaves
                                      if info.sector_id == sector_id][:SECTOR_LEADERS - 1]
                          for sector_id in order}
            room = self.n - sum(1 for p in people if p.is_ambassador)
            for sector_id in order:
                for info in per_sector[sector_id]:
                    if room <= 0:
                        break
                    profile = cat.PROFILES[info.leaf.profile]
                    p = self.person(title=profile.leader_title, leaf=info,
                                    roles=[(lead, info.unit_id), (amb, None)],
                                    joined=start + rng.randrange(30 * DAY))
                    self.tune(p, rate=rng.lognormvariate(math.log(1.5), 0.4), reach=2.0,
                              profile=profile)
                    people.append(p)
                    room -= 1
        missing = self.n - sum(1 for p in people if any(r == amb for r, _u in p.roles))
        people += [self.regular() for _ in range(missing)]
        # Ids follow the joining order, as they would have in a real database.
        people.sort(key=lambda p: p.joined)
        first = reserve_ids(self.conn, User.__table__, len(people))
        for i, p in enumerate(people):
            p.id = first + i
        self.people = people
        self.curator_ids = [p.id for p in people if any(r == cur for r, _u in p.roles)]
        created_admin = admin.joined
        self.write(
            User.__table__,
            ("id", "email", "name", "title", "unit_id", "locale", "password_hash",
             "session_version", "active", "created_at", "joined_at", "named_opt_in"),
            # Ambassadors opted in to the programme when they became ambassadors.
            ((p.id, p.email, p.name, p.title, p.unit_id, p.locale,
              self.password_hash if p.can_login else None, 1, p.active, dt(p.joined),
              dt(p.joined) if p.is_ambassador else None, p.named and p.is_ambassador)
             for p in people),
        )
        # Unit history as activity.unit_history.move_to_unit keeps it (only people who moved).
        stints: list[tuple[int, int, datetime, datetime | None]] = []
        for p in people:
            start = p.joined
            for until, unit_id, _ancestors in p.earlier:
                stints.append((p.id, unit_id, dt(start), dt(until)))
                start = until
            if p.earlier:
                stints.append((p.id, p.unit_id, dt(start), None))
        first_stint = reserve_ids(self.conn, UnitMembership.__table__, len(stints))
        self.write(
            UnitMembership.__table__, ("id", "user_id", "unit_id", "valid_from", "valid_to"),
            ((first_stint + i, *row) for i, row in enumerate(stints)),
        )
        role_rows = [(p.id, name, unit_id, dt(max(p.joined, created_admin)))
                     for p in people for name, unit_id in p.roles]
        first_role = reserve_ids(self.conn, Role.__table__, len(role_rows))
        self.write(
            Role.__table__, ("id", "user_id", "name", "unit_id", "created_at"),
            ((first_role + i, *row) for i, row in enumerate(role_rows)),
        )
        self.write(
            user_topics, ("user_id", "topic_id"),
            ((p.id, topic_id) for p in people for topic_id in p.topics),
        )

    def regular(self) -> Person:
        rng, start, now = self.rng, self.start, self.now
        info = self.random_leaf()
        profile = cat.PROFILES[info.leaf.profile]
        title = self.weighted([t for t, _w in profile.professions],
                              [w for _t, w in profile.professions])
        roll = rng.random()
        if roll < 0.3:  # the founding cohort
            joined = start + rng.randrange(60 * DAY)
        elif roll < 0.55:  # recruited in a campaign (February or September)
            year = rng.randrange(self.years + 1)
            month = 2 if rng.random() < 0.5 else 9
            campaign = datetime(dt(start).year + year, month, 1, 8, tzinfo=UTC).timestamp()
            joined = int(campaign) + rng.randrange(21 * DAY)
            if not start <= joined < now - 3 * DAY:
                joined = start + rng.randrange(max(DAY, now - start - 3 * DAY))
        else:
            joined = start + rng.randrange(max(DAY, now - start - 3 * DAY))
        locale = "nb" if rng.random() < 0.9 else "en"
        p = self.person(title=title, leaf=info, roles=[(RoleName.AMBASSADOR.value, None)],
                        joined=joined, locale=locale)
        if rng.random() < 0.4:  # interest fades: they stop sharing at some point
            stop = joined + int(rng.expovariate(1 / (14 * 30 * DAY)))
            p.stop = stop if stop < now else None
        if rng.random() < 0.05:  # left the municipality
            left = joined + int(rng.expovariate(1 / (18 * 30 * DAY)))
            if left < now:
                p.stop = min(p.stop or left, left)
                p.active = False
        if rng.random() < 0.18:
            rate = 0.0  # joined, never shared
        else:
            rate = rng.lognormvariate(math.log(0.9), 0.9)
            if rng.random() < 0.08:
                rate *= 4  # the keen minority
            rate = min(rate, 12.0)
        self.tune(p, rate=rate, reach=rng.lognormvariate(0, 0.8), profile=profile)
        if rng.random() < 0.45:
            names = list(profile.topics[: rng.randint(1, len(profile.topics))])
            if rng.random() < 0.3:
                names.append(rng.choice(("rekruttering", "arbeidsmiljø", "lærlinger")))
            p.topics = tuple(dict.fromkeys(self.topic_ids[n] for n in names))
        p.named = rng.random() < 0.12
        if rng.random() < 0.07 and now - joined > 200 * DAY:  # moved to another workplace
            at = joined + rng.randrange(90 * DAY, now - joined - 30 * DAY)
            self.move(p, at)
            if rng.random() < 0.15 and now - at > 150 * DAY:
                self.move(p, at + rng.randrange(90 * DAY, now - at - 30 * DAY))
        return p

    def move(self, p: Person, at: int) -> None:
        """Like activity.unit_history.move_to_unit: a new workplace, mostly of the same kind."""
        rng = self.rng
        if p.leaf is None:
            raise ValueError("only a person at a workplace (a leaf unit) moves")
        profile = p.leaf.leaf.profile
        same = [info for info in self.leaves
                if info.leaf.profile == profile and info.unit_id != p.unit_id]
        if not same or rng.random() < 0.25:
            same = [info for info in self.leaves if info.unit_id != p.unit_id]
        target = rng.choice(same)
        p.earlier.append((at, p.unit_id, p.ancestors))
        p.leaf, p.unit_id, p.ancestors = target, target.unit_id, target.ancestors
