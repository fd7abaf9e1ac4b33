"""A demo municipality with years of history, generated in Python and loaded in bulk.

Everything comes from one `random.Random(seed)`, so the same seed and `now` give the same
data. Nothing here iterates over sets or dict views of strings whose order could vary.
"""

from __future__ import annotations

import base64
import bisect
import itertools
import math
import random
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Table, func, insert, select, text, update

from advocacy.accounts.models import Role, RoleName, Unit, User, user_topics
from advocacy.activity.models import (
    ActivityEvent,
    EventKind,
    PersonMonth,
    UnitDimMonth,
    UnitMembership,
    UnitMonth,
)
from advocacy.content.models import (
    NETWORK_LIMITS,
    Post,
    PostKind,
    PostStatus,
    PostVariant,
    Topic,
    post_topics,
    post_units,
)
from advocacy.demo import catalogue as cat
from advocacy.demo.bulk import insert_rows, is_postgres, reserve_ids
from advocacy.endorsements.models import Endorsement, EndorsementRequest, Kudos
from advocacy.privacy.models import PrivacySettings
from advocacy.programme.models import Programme
from advocacy.queue.models import QueueChoice, QueueDecision
from advocacy.recruitment.models import Application
from advocacy.sharing.models import Share
from advocacy.tracking.models import Click

MIN_AMBASSADORS = 20
# Leaders in each sector: more than the privacy minimum (min_group_size 5), so the "leaders
# go first" figures appear on the sector leaders' pages even in a small demo.
SECTOR_LEADERS = 6
UTC_ZONE = ZoneInfo("UTC")
DAY = 86_400
HOUR = 3_600
NETWORKS = ("linkedin", "facebook", "x", "instagram")
X_LIMIT = NETWORK_LIMITS["x"]

# Seasons in a Norwegian workplace: quiet in the July holidays and at Christmas.
SHARE_SEASON = (1.05, 1.15, 1.15, 1.0, 0.95, 0.8, 0.35, 0.85, 1.15, 1.1, 1.05, 0.6)
POST_SEASON = (1.1, 1.2, 1.2, 1.0, 1.0, 0.8, 0.3, 0.9, 1.2, 1.1, 1.0, 0.7)
# When people share (UTC hours; Norway is UTC+1/+2): mornings, lunch and evenings.
HOUR_WEIGHTS = (
    0.2, 0.1, 0.1, 0.1, 0.3, 1.0, 2.5, 3.5, 3.0, 2.5, 3.5, 3.0,
    2.0, 2.0, 2.0, 2.5, 3.0, 3.5, 4.0, 3.5, 3.0, 2.0, 1.0, 0.5,
)
HOUR_CUM = list(itertools.accumulate(HOUR_WEIGHTS))
KIND_CLICKS = {"job": 1.3, "story": 1.2, "event": 1.0, "news": 0.8}
NETWORK_CLICKS = (5.0, 4.5, 2.0, 1.2)  # per NETWORKS entry
CLICK_BASE = 1.4
TABLES = {
    "units": Unit.__table__,
    "users": User.__table__,
    "topics": Topic.__table__,
    "posts": Post.__table__,
    "shares": Share.__table__,
    "clicks": Click.__table__,
    "activity_events": ActivityEvent.__table__,
}
# Rolled-up tables, counted in the summary after the rollup.
ROLLUPS = (PersonMonth.__table__, UnitMonth.__table__, UnitDimMonth.__table__)


def existing_data(conn: Connection) -> list[str]:
    """Names of the tables that already hold rows; demo data is only loaded into none."""
    return [name for name, table in TABLES.items()
            if conn.scalar(select(table.c.id).limit(1)) is not None]


@dataclass
class Login:
    email: str
    name: str
    what: str


@dataclass
class Summary:
    counts: dict[str, int]
    logins: list[Login]
    first_share: datetime | None
    last_share: datetime | None


@dataclass
class LeafInfo:
    leaf: cat.Leaf
    unit_id: int
    ancestors: frozenset[int]
    sector_id: int
    group_id: int  # the unit right above the leaf


@dataclass
class Person:
    name: str
    email: str
    title: str
    unit_id: int
    leaf: LeafInfo | None
    ancestors: frozenset[int]
    locale: str | None
    roles: list[tuple[str, int | None]]
    joined: int
    stop: int | None = None
    active: bool = True
    rate: float = 0.0  # shares a month when fully engaged
    reach: float = 1.0
    networks: tuple[float, float, float, float] = (1.0, 1.0, 0.1, 0.3)
    topics: tuple[int, ...] = ()
    can_login: bool = False
    named: bool = False  # agreed to be named to leaders (kudos wall, named tables)
    # Units the person left, oldest first: (left at, unit id, its ancestors).
    earlier: list[tuple[int, int, frozenset[int]]] = field(default_factory=list)
    id: int = 0

    @property
    def leads(self) -> int | None:
        return next((u for r, u in self.roles if r == RoleName.LEADER.value and u), None)

    @property
    def is_ambassador(self) -> bool:
        return any(r == RoleName.AMBASSADOR.value for r, _u in self.roles)

    def stint_at(self, ts: int) -> tuple[int, frozenset[int]]:
        """The unit (and its ancestors) the person belonged to at that moment."""
        for until, unit_id, ancestors in self.earlier:
            if ts < until:
                return unit_id, ancestors
        return self.unit_id, self.ancestors


@dataclass
class PostSpec:
    n: int
    kind: str
    title: str
    link: str
    status: str
    created: int
    published: int | None
    starts: int | None
    ends: int | None
    updated: int
    audience: int | None
    topics: tuple[int, ...]
    texts: dict[str, str]
    creator: int
    window: tuple[int, int] | None  # when ambassadors could share it
    id: int = 0
    networks: tuple[int, ...] = field(default=())
    submitted_by: int | None = None  # in review: the curator who sent it (four eyes)

    @property
    def deadline(self) -> int | None:
        """A job's application deadline is the end of its window (M18)."""
        return self.ends if self.kind == PostKind.JOB.value else None

    @property
    def event_time(self) -> int | None:
        return self.ends if self.kind == PostKind.EVENT.value else None


def dt(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, int(rng.gauss(lam, math.sqrt(lam)) + 0.5))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})


def slug(value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", value.lower().translate(_FOLD)).strip("-")


def fit_text(value: str, limit: int) -> str:
    """Shorten at a word boundary with an ellipsis, so X's 280 characters always hold."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:–-")
    return cut + "…"


def month_starts(first: int, last: int) -> list[int]:
    """Starts (UTC) of the calendar months from the one holding `first` to past `last`."""
    start = dt(first).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    while True:
        out.append(int(start.timestamp()))
        if start.timestamp() > last:
            return out
        start = (start + timedelta(days=32)).replace(day=1)


class Generator:
    def __init__(self, conn: Connection, *, ambassadors: int, years: int, seed: int,
                 now: datetime, password_hash: str, tz: ZoneInfo = UTC_ZONE):
        if ambassadors < MIN_AMBASSADORS:
            raise ValueError(f"at least {MIN_AMBASSADORS} ambassadors")
        self.conn = conn
        self.n = ambassadors
        self.years = years
        # Made-up data that must repeat for a seed; nothing secret comes from it.
        self.rng = random.Random(seed)  # nosec B311
        # Recruitment (issue 13) draws from its own generator: the rest stays as it was.
        self.side_rng = random.Random(seed * 7919 + 13)  # nosec B311
        self.now = int(now.timestamp())
        self.start = self.now - int(round(years * 365.25)) * DAY
        self.password_hash = password_hash
        self.tz = tz
        self.counts: dict[str, int] = {}
        self.emails: dict[str, int] = {}
        self.logins: list[Login] = []
        self.first_share: datetime | None = None
        self.last_share: datetime | None = None

    # -- helpers -------------------------------------------------------------------------

    def write(self, table: Table, columns: tuple[str, ...], rows) -> None:
        count = insert_rows(self.conn, table, columns, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + count

    def weighted(self, items, weights):
        return self.rng.choices(items, weights)[0]

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

    # -- the organisation ----------------------------------------------------------------

    def build_units(self) -> None:
        nodes: list[tuple[str, int | None]] = []  # (name, parent index)
        leaves: list[tuple[cat.Leaf, int, list[int]]] = []
        groups: list[tuple[cat.Group, int, int]] = []  # (group, index, depth)

        def walk(node, parent: int | None, trail: list[int], depth: int) -> None:
            nodes.append((node.name, parent))
            index = len(nodes) - 1
            path = [*trail, index]
            if isinstance(node, cat.Leaf):
                leaves.append((node, index, path))
            else:
                groups.append((node, index, depth))
                for child in node.children:
                    walk(child, index, path, depth + 1)

        walk(cat.Group(cat.ORG_NAME, cat.SECTORS), None, [], 0)
        first = reserve_ids(self.conn, Unit.__table__, len(nodes))
        ids = [first + i for i in range(len(nodes))]
        created = dt(self.start - 60 * DAY)
        self.write(
            Unit.__table__, ("id", "name", "parent_id", "created_at"),
            [(ids[i], name, None if parent is None else ids[parent], created)
             for i, (name, parent) in enumerate(nodes)],
        )
        self.root_id = ids[0]
        self.sector_ids = {group.name: ids[i] for group, i, depth in groups if depth == 1}
        self.sub_groups = [(group, ids[i], frozenset(ids[j] for j in self._path(nodes, i)))
                           for group, i, depth in groups if depth >= 2]
        self.leaves = [
            LeafInfo(leaf, ids[i], frozenset(ids[j] for j in path), ids[path[1]], ids[path[-2]])
            for leaf, i, path in leaves
        ]
        self.leaf_cum = list(itertools.accumulate(info.leaf.weight for info in self.leaves))
        self.ancestors = {ids[0]: frozenset({ids[0]})}
        for unit_id in self.sector_ids.values():
            self.ancestors[unit_id] = frozenset({ids[0], unit_id})
        for _group, unit_id, path in self.sub_groups:
            self.ancestors[unit_id] = path
        for info in self.leaves:
            self.ancestors[info.unit_id] = info.ancestors
        below: dict[int, set[int]] = {}
        for unit_id, ancestors in self.ancestors.items():
            for above in ancestors:
                below.setdefault(above, set()).add(unit_id)
        self.descendants = {unit_id: frozenset(ids) for unit_id, ids in below.items()}

    @staticmethod
    def _path(nodes, index: int) -> list[int]:
        path = []
        current: int | None = index
        while current is not None:
            path.append(current)
            current = nodes[current][1]
        return path

    def build_topics(self) -> None:
        first = reserve_ids(self.conn, Topic.__table__, len(cat.TOPICS))
        created = dt(self.start - 45 * DAY)
        self.topic_ids = {name: first + i for i, (name, _d, _a) in enumerate(cat.TOPICS)}
        self.write(
            Topic.__table__, ("id", "name", "description", "archived", "created_at"),
            [(first + i, name, description, archived, created)
             for i, (name, description, archived) in enumerate(cat.TOPICS)],
        )

    # -- people --------------------------------------------------------------------------

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

    def leaf_named(self, name: str) -> LeafInfo:
        return next(info for info in self.leaves if info.leaf.name == name)

    def tune(self, p: Person, *, rate: float, reach: float, profile: cat.Profile | None) -> None:
        rng = self.rng
        p.rate, p.reach = rate, reach
        base = profile.networks if profile else cat.OFFICE
        weights = [w * rng.uniform(0.3, 1.7) for w in base]
        if rng.random() < 0.85:
            weights[2] *= 0.1  # most people are not on X
        if rng.random() < 0.6:
            weights[3] *= 0.2
        p.networks = tuple(weights)

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
            if email:  # a second curator, so four-eyes review can be tried (issue 14 item 13)
                self.second_curator = p
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
        # Unit history as activity.service.move_to_unit keeps it (only people who moved).
        stints = []
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
        """Like activity.service.move_to_unit: a new workplace, mostly of the same kind."""
        rng = self.rng
        same = [info for info in self.leaves
                if info.leaf.profile == p.leaf.leaf.profile and info.unit_id != p.unit_id]
        if not same or rng.random() < 0.25:
            same = [info for info in self.leaves if info.unit_id != p.unit_id]
        target = rng.choice(same)
        p.earlier.append((at, p.unit_id, p.ancestors))
        p.leaf, p.unit_id, p.ancestors = target, target.unit_id, target.ancestors

    def random_leaf(self) -> LeafInfo:
        """A workplace, weighted by its staff: most people work in care and schools."""
        return self.leaves[bisect.bisect(self.leaf_cum, self.rng.random() * self.leaf_cum[-1])]

    # -- programme -----------------------------------------------------------------------

    def build_programme(self) -> None:
        table = Programme.__table__
        values = {
            "name": cat.PROGRAMME_NAME,
            "purpose": cat.PURPOSE,
            "guidelines": cat.GUIDELINES,
            "require_second_approval": True,  # four eyes, as in a new installation
            "updated_at": dt(self.start - 10 * DAY),
            "updated_by_id": self.curator_ids[0],
        }
        if self.conn.scalar(select(table.c.id).where(table.c.id == 1)) is None:
            self.conn.execute(insert(table).values(
                id=1, guidelines_version=1, min_group_size=5, retention_days=90, **values))
        else:
            self.conn.execute(update(table).where(table.c.id == 1).values(**values))
        self.counts["programmes"] = 1
        # A filled-in privacy notice: who is responsible and how to reach them.
        privacy = PrivacySettings.__table__
        notice = {"controller_name": cat.CONTROLLER_NAME,
                  "controller_contact": cat.CONTROLLER_CONTACT, "dpo_contact": cat.DPO_CONTACT}
        if self.conn.scalar(select(privacy.c.id).where(privacy.c.id == 1)) is None:
            self.conn.execute(insert(privacy).values(id=1, updated_at=dt(self.start), **notice))
        else:
            self.conn.execute(update(privacy).where(privacy.c.id == 1).values(**notice))

    # -- posts ---------------------------------------------------------------------------

    def build_posts(self) -> None:
        rng, now = self.rng, self.now
        self.months = month_starts(self.start - 31 * DAY, now)
        per_month = max(6, min(60, round(6 + self.n / 200)))
        specs: list[PostSpec] = []
        for i in range(len(self.months) - 1):
            lo, hi = self.months[i], min(self.months[i + 1], now - HOUR)
            if hi <= lo:
                continue
            month = dt(lo).month
            for _ in range(poisson(rng, per_month * POST_SEASON[month - 1] * (hi - lo)
                                   / (self.months[i + 1] - lo))):
                created = lo + rng.randrange(hi - lo)
                if dt(created).weekday() >= 5 and rng.random() < 0.8:
                    created = max(lo, created - 2 * DAY)
                specs.append(self.post(len(specs), created, month))
        specs += self.showcase_posts(len(specs))
        specs.sort(key=lambda s: (s.created, s.n))
        first = reserve_ids(self.conn, Post.__table__, len(specs))
        for i, spec in enumerate(specs):
            spec.id = first + i
            spec.networks = tuple(NETWORKS.index(n) for n in NETWORKS if n in spec.texts)
        self.posts = specs
        self.write(
            Post.__table__,
            ("id", "title", "link", "kind", "status", "starts_at", "ends_at", "published_at",
             "created_by_id", "created_at", "updated_at", "job_reference", "deadline_at",
             "event_at", "submitted_by_id", "submitted_at"),
            ((s.id, s.title, s.link, s.kind, s.status,
              None if s.starts is None else dt(s.starts),
              None if s.ends is None else dt(s.ends),
              None if s.published is None else dt(s.published),
              s.creator, dt(s.created), dt(s.updated),
              f"EK-{10000 + s.n}" if s.kind == "job" else None,
              None if s.deadline is None else dt(s.deadline),
              None if s.event_time is None else dt(s.event_time),
              s.submitted_by, None if s.submitted_by is None else dt(s.updated))
             for s in specs),
        )
        first_variant = reserve_ids(
            self.conn, PostVariant.__table__, sum(len(s.texts) for s in specs))
        self.write(
            PostVariant.__table__, ("id", "post_id", "network", "text"),
            ((first_variant + i, *row) for i, row in enumerate(
                (s.id, network, s.texts[network]) for s in specs
                for network in NETWORKS if network in s.texts)),
        )
        self.write(post_topics, ("post_id", "topic_id"),
                   ((s.id, t) for s in specs for t in s.topics))
        self.write(post_units, ("post_id", "unit_id"),
                   ((s.id, s.audience) for s in specs if s.audience is not None))
        # Which posts could be shared in which month, for the share generator.
        self.month_posts: list[list[PostSpec]] = [[] for _ in self.months]
        for s in specs:
            if s.window is None:
                continue
            a = bisect.bisect_right(self.months, s.window[0]) - 1
            b = bisect.bisect_right(self.months, s.window[1] - 1) - 1
            for m in range(max(a, 0), b + 1):
                self.month_posts[m].append(s)

    def showcase_posts(self, n: int) -> list[PostSpec]:
        """Posts that make sure every feature has something to show (issue 14 item 13): a
        live job whose deadline is still ahead in this month where the month allows (the
        curators' calendar), and a story kurator@ sent for review that the second curator
        can approve (four eyes)."""
        now = self.now
        local = dt(now).astimezone(self.tz)
        next_month = (local.replace(day=28) + timedelta(days=4)).replace(
            day=1, hour=0, minute=0, second=0, microsecond=0)
        month_end = int(next_month.timestamp()) - 6 * HOUR
        deadline = min(now + 10 * DAY, month_end)
        if deadline < now + 6 * HOUR:
            deadline = now + 10 * DAY
        month = local.month
        job = self.post(n, now - 3 * DAY, month, kind=PostKind.JOB.value, deadline=deadline)
        story = self.post(n + 1, now - DAY, month, kind=PostKind.STORY.value, review=True)
        story.creator = story.submitted_by = self.demo_curator.id
        return [job, story]

    def post(self, n: int, created: int, month: int, *, kind: str | None = None,
             deadline: int | None = None, review: bool = False) -> PostSpec:
        rng, now = self.rng, self.now
        info = self.random_leaf()
        profile = cat.PROFILES[info.leaf.profile]
        job_weight = 0.35 * (1.6 if month <= 4 else 1.2 if 8 <= month <= 10 else 1.0)
        if kind is None:
            kind = self.weighted([PostKind.STORY.value, PostKind.JOB.value,
                                  PostKind.EVENT.value, PostKind.NEWS.value],
                                 [0.35, job_weight, 0.0 if month == 7 else 0.1, 0.2])
        prof = self.weighted([t for t, _w in profile.professions],
                             [w for _t, w in profile.professions])
        first = rng.choice(cat.FEMALE if rng.random() < 0.6 else cat.MALE)
        fill = {
            "first": first, "prof": prof, "at": info.leaf.at, "org": cat.ORG_NAME,
            "quote": rng.choice(cat.QUOTES), "pct": rng.choice((100, 100, 100, 80, 75, 50)),
            "years": rng.randint(2, 25), "count": rng.randint(40, 180),
        }
        published: int | None = min(created + rng.randrange(HOUR, 2 * DAY), now - 60)
        starts: int | None = published
        ends: int | None = None
        topic_names = list(profile.topics[: rng.randint(1, len(profile.topics))])
        tags = f"{cat.ORG_TAG} {profile.tags}"
        summer = kind == "job" and month <= 4 and rng.random() < 0.4
        if kind == "job":
            topic_names.insert(0, "rekruttering")
            if summer:
                topic_names.append("sommerjobb")
            ends = deadline if deadline is not None else (
                published + rng.randrange(14 * DAY, 35 * DAY))
            texts, title, link = self.job_texts(fill, ends, tags, summer, n)
        elif kind == "event":
            ends = published + rng.randrange(10 * DAY, 45 * DAY)
            texts, title, link, apprentice = self.event_texts(fill, ends, tags, n)
            topic_names.insert(0, "lærlinger" if apprentice else "rekruttering")
        elif kind == "story":
            if rng.random() < 0.3:
                topic_names.append("arbeidsmiljø")
            texts, title, link = self.story_texts(fill, tags, n)
        else:
            if rng.random() < 0.25:
                topic_names.append("innovasjon og digitalisering")
            if created < self.start + 365 * DAY and rng.random() < 0.08:
                topic_names = ["vaksinasjon"]
            texts, title, link = self.news_texts(fill, tags, n)
        if rng.random() < 0.12:
            topic_names = []  # a general post for everyone
        roll = rng.random()
        audience = (None if roll < 0.45 else info.sector_id if roll < 0.85
                    else info.unit_id if roll < 0.95 else info.group_id)
        if kind == "news" and rng.random() < 0.5:
            audience = None
        window_end = ends if ends is not None else published + rng.randrange(45 * DAY, 120 * DAY)
        status = PostStatus.ARCHIVED.value if window_end <= now else PostStatus.LIVE.value
        updated = min(window_end, now - 60) if status == PostStatus.ARCHIVED else published
        window: tuple[int, int] | None = (published, min(window_end, now))
        if review:  # sent for review, waiting for a second curator
            status, published, starts, ends, window = (PostStatus.IN_REVIEW.value, None, None,
                                                       None, None)
            updated = created
        elif deadline is not None:
            pass  # the showcase job stays live with its deadline
        elif created > now - 14 * DAY and rng.random() < 0.15:  # still being written
            status, published, starts, ends, window = PostStatus.DRAFT.value, None, None, None, None
            updated = created
        elif created > now - 10 * DAY and rng.random() < 0.12:  # scheduled to go live later
            starts = now + rng.randrange(DAY, 10 * DAY)
            if ends is not None:
                ends = max(ends, starts + 14 * DAY)
            status, window = PostStatus.LIVE.value, None
        return PostSpec(
            n=n, kind=kind, title=title[:200], link=link, status=status, created=created,
            published=published, starts=starts, ends=ends, updated=updated, audience=audience,
            topics=tuple(dict.fromkeys(self.topic_ids[t] for t in topic_names)), texts=texts,
            creator=rng.choice(self.curator_ids), window=window,
        )

    def pick_networks(self, always: tuple[str, ...], maybe: dict[str, float]) -> list[str]:
        chosen = list(always)
        for network in NETWORKS:
            if network in maybe and self.rng.random() < maybe[network]:
                chosen.append(network)
        return chosen

    @staticmethod
    def date_nb(ts: int) -> str:
        day = dt(ts)
        return f"{day.day}. {cat.MONTHS_NB[day.month - 1]}"

    def story_texts(self, fill, tags, n):
        rng = self.rng
        title = rng.choice(cat.STORY_TITLES).format(**fill)
        detail = rng.choice(cat.STORY_DETAILS).format(**fill)
        quote = fill["quote"]
        texts = {
            "linkedin": f"«{quote}.»\n\nDet sier {fill['first']}, som jobber som {fill['prof']} "
                        f"{fill['at']}. {detail}\n\nVil du bli kollegaen vår? Les hele "
                        f"historien og se ledige stillinger. {tags}",
            "facebook": f"Kjenner du igjen {fill['first']}? 😊 {fill['first']} jobber som "
                        f"{fill['prof']} {fill['at']} og sier: «{quote}.» Del gjerne med noen "
                        f"som kunne passet hos oss! {tags}",
            "x": fit_text(f"«{quote}» – {fill['first']}, {fill['prof']} {fill['at']}. {tags}",
                          X_LIMIT),
            "instagram": f"Møt {fill['first']}! 👋 {fill['prof'].capitalize()} {fill['at']}.\n\n"
                         f"«{quote}.»\n\nLes hele historien via lenken i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.5, "instagram": 0.8})
        link = f"{cat.SITE}/jobb-hos-oss/historier/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, title, link

    def job_texts(self, fill, deadline, tags, summer, n):
        rng = self.rng
        at_cap = fill["at"][0].upper() + fill["at"][1:]
        if summer:
            title = f"Sommerjobb {fill['at']}: vi søker {fill['prof']}"
        else:
            title = rng.choice(cat.JOB_TITLES).format(**fill)
        date = self.date_nb(deadline)
        detail = rng.choice(cat.JOB_DETAILS)
        texts = {
            "linkedin": f"Vi søker {fill['prof']} i {fill['pct']} % stilling {fill['at']}. "
                        f"{detail} Søknadsfrist {date}. Kjenner du noen som passer? Del gjerne! "
                        f"{tags}",
            "facebook": f"Ledig jobb! 📣 {at_cap} søker {fill['prof']} ({fill['pct']} %). "
                        f"{detail} Søknadsfrist {date}. Tips en venn! {tags}",
            "x": fit_text(f"Vi søker {fill['prof']} ({fill['pct']} %) {fill['at']}. "
                          f"Søknadsfrist {date}. {tags}", X_LIMIT),
            "instagram": f"Vi søker {fill['prof']}! {at_cap} får du kolleger som heier på deg. "
                         f"Søknadsfrist {date} – lenke i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.6, "instagram": 0.2})
        link = f"{cat.SITE}/ledige-stillinger/{100000 + n}"
        return {k: texts[k] for k in keep}, title, link

    def event_texts(self, fill, when, tags, n):
        rng = self.rng
        title, lead = rng.choice(cat.EVENTS)
        title, lead = title.format(**fill), lead.format(**fill)
        date = self.date_nb(when)
        texts = {
            "linkedin": f"{lead} {date}! Du møter ansatte som forteller om hverdagen, og "
                        f"lederne som ansetter. Påmelding via lenken. {tags}",
            "facebook": f"{lead} {date} 🎉 Ta med en venn – vi byr på kaffe og gode samtaler! "
                        f"{tags}",
            "x": fit_text(f"{lead} {date}. Påmelding via lenken. {tags}", X_LIMIT),
            "instagram": f"{lead} {date}! Lenke til påmelding i bio. {tags}",
        }
        keep = self.pick_networks(("facebook", "linkedin"), {"x": 0.4, "instagram": 0.5})
        link = f"{cat.SITE}/arrangementer/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, title, link, "lærling" in title

    def news_texts(self, fill, tags, n):
        rng = self.rng
        title = rng.choice(cat.NEWS).format(**fill)
        headline = title[0].upper() + title[1:]
        texts = {
            "linkedin": f"{headline}. Les mer om hva som skjer i {cat.ORG_NAME}. {tags}",
            "facebook": f"Nyheter fra jobben: {headline.lower()}! {tags}",
            "x": fit_text(f"{headline}. {tags}", X_LIMIT),
            "instagram": f"{headline} ✨ Mer i lenken i bio. {tags}",
        }
        keep = self.pick_networks(("linkedin", "facebook"), {"x": 0.6, "instagram": 0.3})
        link = f"{cat.SITE}/aktuelt/{slug(title)}-{n + 1}"
        return {k: texts[k] for k in keep}, headline, link

    # -- shares, clicks and queue decisions ----------------------------------------------

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
                    lo2, hi2 = max(post.window[0], lo), min(post.window[1], hi)
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
            lo, hi = max(post.window[0], months[m], a), min(post.window[1], months[m + 1], b)
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
            candidates = [p for p in self.month_posts[last_month] if p.window[1] >= now]
            post = (self.pick_post(person.ancestors, candidates, topics, shared)
                    if candidates else None)
            if post is not None and post.n not in decided:
                when = max(now - rng.randrange(3 * DAY), post.window[0] + 1, a)
                until = when + rng.choice((1, 3, 7)) * DAY
                decisions.append((person.id, post.id, QueueChoice.SNOOZED.value, until, when))

    def tokens(self, count: int, rng: random.Random | None = None) -> list[str]:
        """128-bit url-safe tokens like the real ones, drawn from the seeded generator."""
        bits, seen, out = (rng or self.rng).getrandbits, set(), []
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

    # -- leaders' backing, kudos and the activity record ---------------------------------

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
                    when = max(post.window[0], months[m], person.joined) + rng.randrange(2 * DAY)
                    if (post.n, person.id) in endorsed or when >= min(post.window[1], now):
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
        area = self.descendants[leader.leads] | self.ancestors[leader.leads]
        live = [s for s in self.posts if s.window and s.window[1] >= now
                and s.status == PostStatus.LIVE.value and (s.audience is None or s.audience in area)
                and (s.n, leader.id) not in endorsed]
        asked = sorted(live, key=lambda s: (-s.window[0], s.n))[:2]
        first_request = reserve_ids(self.conn, EndorsementRequest.__table__, len(asked))
        self.write(
            EndorsementRequest.__table__,
            ("id", "post_id", "leader_id", "requested_by_id", "note", "created_at", "answered_at"),
            ((first_request + i, post.id, leader.id, curator.id, cat.ENDORSEMENT_NOTES[1],
              dt(max(post.window[0], now - rng.randrange(3 * DAY))), None)
             for i, post in enumerate(asked)),
        )

    def build_record(self) -> None:
        """Kudos, then every act as activity.service.record_event would have written it:
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
            unit_id = leader.leads
            if unit_id is None:
                continue
            area = self.descendants[unit_id]
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

    def finish(self) -> None:
        if is_postgres(self.conn):  # fresh statistics, so the rollup and dashboards plan well
            for name in ("users", "posts", "shares", "clicks", "queue_decisions",
                         "activity_events", "unit_memberships", "post_topics"):
                self.conn.execute(text(f"ANALYZE {name}"))

    def build_rollups(self) -> None:
        """The full rollup, as `flask activity rebuild` runs it, so dashboards show years."""
        from advocacy.activity import rollup as activity

        activity.rebuild(self.tz, now=dt(self.now))
        for table in ROLLUPS:
            self.counts[table.name] = int(self.conn.scalar(select(func.count()).select_from(table)))
            if is_postgres(self.conn):
                self.conn.execute(text(f"ANALYZE {table.name}"))


def fill(conn: Connection, *, ambassadors: int, years: int, seed: int, now: datetime,
         password_hash: str, progress: Callable[[str, float], None] | None = None,
         tz: ZoneInfo | None = None) -> Summary:
    """Load the demo municipality through `conn` (the caller commits); tables must be empty.

    `conn` must be the connection of `db.session`: the rollups at the end are the activity
    package's own, which work through the session. `progress(stage, seconds)` hears about
    each finished stage, for long runs. `tz` defaults to the app's ORG_TIMEZONE.
    """
    if tz is None:
        from advocacy.orgtime import org_tz

        tz = org_tz()
    gen = Generator(conn, ambassadors=ambassadors, years=years, seed=seed, now=now,
                    password_hash=password_hash, tz=tz)
    stages = (
        ("units and topics", lambda: (gen.build_units(), gen.build_topics())),
        ("people and roles", gen.build_people),
        ("programme", gen.build_programme),
        ("posts", gen.build_posts),
        ("endorsements", gen.build_endorsements),
        ("shares, decisions and clicks", gen.build_shares),
        ("kudos and the activity record", gen.build_record),
        ("statistics", gen.finish),
        ("monthly rollups", gen.build_rollups),
    )
    for stage, step in stages:
        started = time.monotonic()
        step()
        if progress is not None:
            progress(stage, time.monotonic() - started)
    return Summary(counts=gen.counts, logins=gen.logins, first_share=gen.first_share,
                   last_share=gen.last_share)
