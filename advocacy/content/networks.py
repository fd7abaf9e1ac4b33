"""Which networks a post is offered on to one person (docs/networks.md).

The networks the person picked (onboarding, or Settings → networks) come first; the post's
other networks wait behind a "more" control. A network the person keeps free of job ads
(`AmbassadorProfile.no_job_networks`, e.g. a private Facebook) is not offered for a job
post at all. A person who picked no networks gets every network of the post, as before.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from advocacy.accounts.models import AmbassadorProfile, User
from advocacy.content.models import Post, PostKind
from advocacy.extensions import db


@dataclass
class Offer:
    chosen: list[str] = field(default_factory=list)  # the person's networks, shown first
    more: list[str] = field(default_factory=list)  # the post's other networks, behind "more"

    @property
    def networks(self) -> list[str]:
        return [*self.chosen, *self.more]

    @property
    def first(self) -> str | None:
        return next(iter(self.networks), None)

    def __bool__(self) -> bool:
        return bool(self.chosen or self.more)


def profile_of(user: User) -> AmbassadorProfile | None:
    return db.session.get(AmbassadorProfile, user.id)


def offer(post: Post, profile: AmbassadorProfile | None) -> Offer:
    """The post's networks for this person: their own first, job-ad-free ones left out."""
    networks = post.networks
    if profile is None:
        return Offer(chosen=networks)
    if post.kind == PostKind.JOB:
        refused = set(profile.no_job_networks or [])
        networks = [n for n in networks if n not in refused]
    own = [n for n in (profile.networks or []) if n in networks]
    if not profile.networks:
        return Offer(chosen=networks)
    return Offer(chosen=own, more=[n for n in networks if n not in own])


def offer_for(user: User, post: Post) -> Offer:
    return offer(post, profile_of(user))
