"""What the generator keeps in memory about the rows it writes: units, people, posts, logins."""

from __future__ import annotations

from dataclasses import dataclass, field

from advocacy.accounts.models import RoleName
from advocacy.content.models import PostKind
from advocacy.demo import catalogue as cat

NETWORKS = ("linkedin", "facebook", "x", "instagram")


@dataclass
class Login:
    email: str
    name: str
    what: str


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
        """A job's application deadline is the end of its window."""
        return self.ends if self.kind == PostKind.JOB.value else None

    @property
    def event_time(self) -> int | None:
        return self.ends if self.kind == PostKind.EVENT.value else None
