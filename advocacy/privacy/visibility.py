"""What someone else may see about one person, and why: the one rule (docs/privacy.md).

It reads the programme's privacy switch (named per-person views, advocacy.privacy.person_view)
and the unit tree, so it belongs to privacy rather than to advocacy/access.py, which holds
the roles every view declares."""

from __future__ import annotations

from dataclasses import dataclass

from advocacy.access import ADMIN, AMBASSADOR, CURATOR, LEADER  # noqa: F401  (re-exported)
from advocacy.accounts.service import descendant_ids
from advocacy.privacy.person_view import person_view_active

# --- leaders and the people they may see -------------------------------------------------


def led_unit_ids(user) -> set[int]:
    """The units a leader leads, with all their sub-units; empty for everyone else."""
    if not user or not user.is_authenticated:
        return set()
    direct = user.led_unit_ids
    if not direct:
        return set()
    return descendant_ids(direct)


def visible_in_leader_views(person) -> bool:
    """Only people who opted in (and have not left) appear in any leader view or figure."""
    return bool(person is not None and person.is_participant)


# --- the one rule for seeing a named person ----------------------------------------------
#
# What someone else may see about one named person, decided here and nowhere else. Every
# named view (the person page, the corps-health "named" table and kudos wall, the curators'
# list of regulars who stopped), every CSV of them and the transparency pages ("what my
# leader sees", the admin's switch page) read `person_visibility` / `visibility_for`.

NAME = "name"  # the person appears by name
KUDOS = "kudos"  # kudos received, with sender and message
ACTIVITY = "activity"  # shares, clicks, months with shares, early shares, applications
STOPPED = "stopped"  # was a regular sharer and went quiet (months, last month with a share)
CHOICES = "choices"  # skips, snoozes and stories suggested: the person's own queue choices

# Which measure of a person's years belongs to which kind of data.
MEASURES = {
    "shares": ACTIVITY, "clicks": ACTIVITY, "active_months": ACTIVITY,
    "early_shares": ACTIVITY, "applications": ACTIVITY, "kudos_received": KUDOS,
    "skips": CHOICES, "snoozes": CHOICES, "stories": CHOICES,
}

# Why someone may see it (shown on the transparency pages).
BECAUSE_SELF = "self"
BECAUSE_ADMIN = "admin"
BECAUSE_NAMED = "named"  # the person chose to be named
BECAUSE_SWITCH = "person_view"  # named per-person views are in effect
BECAUSE_STOPPED = "stopped"  # curators follow up regulars who stopped


@dataclass(frozen=True)
class PersonView:
    """What one viewer may see about one person, and why; `logged`: a look by someone else."""

    kinds: frozenset[str] = frozenset()
    reasons: tuple[str, ...] = ()
    logged: bool = False

    def may(self, kind: str) -> bool:
        return kind in self.kinds

    @property
    def anything(self) -> bool:
        return bool(self.kinds)

    def measures(self) -> list[str]:
        return [m for m, kind in MEASURES.items() if kind in self.kinds]


NOTHING = PersonView()


def visibility_for(
    *,
    roles: set[str] | frozenset[str],
    is_self: bool,
    leads_person: bool,
    participant: bool,
    named: bool,
    person_view_in_effect: bool,
) -> PersonView:
    """The rule, from facts only (the transparency pages ask it about hypothetical viewers).

    * the person: everything;
    * an administrator: name, kudos and activity (never skips and snoozes), every look logged;
    * a leader of the person's unit (or a unit above), if the person takes part: name, kudos
      and activity if the person chose to be named; name and activity once named per-person
      views are in effect (the admin's switch, from its effective date);
    * a curator, if the person takes part: name, kudos and activity if the person chose to
      be named (the organisation-wide corps-health page), and the name of a regular who
      stopped sharing;
    * anyone else: nothing. Being named is never consent to show skips, snoozes or stories.
    """
    if is_self:
        return PersonView(frozenset({NAME, KUDOS, ACTIVITY, STOPPED, CHOICES}),
                          (BECAUSE_SELF,), False)
    kinds: set[str] = set()
    reasons: list[str] = []
    if ADMIN in roles:
        kinds |= {NAME, KUDOS, ACTIVITY, STOPPED}
        reasons.append(BECAUSE_ADMIN)
    if participant and named and (CURATOR in roles or (LEADER in roles and leads_person)):
        kinds |= {NAME, KUDOS, ACTIVITY}
        reasons.append(BECAUSE_NAMED)
    if participant and LEADER in roles and leads_person and person_view_in_effect:
        kinds |= {NAME, ACTIVITY}
        reasons.append(BECAUSE_SWITCH)
    if participant and CURATOR in roles:
        kinds |= {NAME, STOPPED}
        reasons.append(BECAUSE_STOPPED)
    if not kinds:
        return NOTHING
    return PersonView(frozenset(kinds), tuple(reasons), True)


class Viewer:
    """A viewer's facts read once (roles, led units, the switch) for many people at a time."""

    def __init__(self, viewer, now) -> None:
        self.user = viewer
        self.ok = bool(viewer is not None and getattr(viewer, "is_authenticated", False))
        self.roles = frozenset(viewer.role_names) if self.ok else frozenset()
        self.led = led_unit_ids(viewer) if self.ok and LEADER in self.roles else set()
        self.switch = person_view_active(now) if self.ok and LEADER in self.roles else False

    def sees(self, person) -> PersonView:
        if not self.ok or person is None:
            return NOTHING
        return visibility_for(
            roles=self.roles, is_self=self.user.id == person.id,
            leads_person=person.unit_id is not None and person.unit_id in self.led,
            participant=visible_in_leader_views(person), named=bool(person.named_opt_in),
            person_view_in_effect=self.switch,
        )


def person_visibility(viewer, person, now) -> PersonView:
    """What `viewer` may see about `person` at `now`: the one rule (see visibility_for)."""
    return Viewer(viewer, now).sees(person)


def can_view_person(viewer, person, now) -> bool:
    """Someone else may open this person's page (name and at least some figures)."""
    seen = person_visibility(viewer, person, now)
    return seen.logged and seen.may(NAME) and (seen.may(ACTIVITY) or seen.may(KUDOS))
