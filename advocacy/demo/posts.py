"""The suggested posts over the years: when they were written, their kind, audience, status and
window, plus the showcase posts every feature needs."""

from __future__ import annotations

import bisect
from datetime import timedelta

from advocacy.content.models import Post, PostKind, PostStatus, PostVariant, post_topics, post_units
from advocacy.demo import catalogue as cat
from advocacy.demo.bulk import reserve_ids
from advocacy.demo.draws import DAY, HOUR, dt, month_starts, poisson
from advocacy.demo.organisation import Organisation
from advocacy.demo.post_texts import PostTexts
from advocacy.demo.specs import NETWORKS, PostSpec

POST_SEASON = (1.1, 1.2, 1.2, 1.0, 1.0, 0.8, 0.3, 0.9, 1.2, 1.1, 1.0, 0.7)


def window_of(post: PostSpec) -> tuple[int, int]:
    """When a post could be shared; every post in `month_posts` (what the later stages draw
    from) has a window."""
    if post.window is None:
        raise ValueError(f"post {post.n} has no window: it cannot be shared")
    return post.window


class Posts(Organisation, PostTexts):
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
        """Posts that make sure every feature has something to show (README.md, demo data): a
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
        goes_live = min(created + rng.randrange(HOUR, 2 * DAY), now - 60)
        published: int | None = goes_live  # None for a post in review or a draft (below)
        starts: int | None = goes_live
        ends: int | None = None
        topic_names = list(profile.topics[: rng.randint(1, len(profile.topics))])
        tags = f"{cat.ORG_TAG} {profile.tags}"
        summer = kind == "job" and month <= 4 and rng.random() < 0.4
        if kind == "job":
            topic_names.insert(0, "rekruttering")
            if summer:
                topic_names.append("sommerjobb")
            ends = deadline if deadline is not None else (
                goes_live + rng.randrange(14 * DAY, 35 * DAY))
            texts, title, link = self.job_texts(fill, ends, tags, summer, n)
        elif kind == "event":
            ends = goes_live + rng.randrange(10 * DAY, 45 * DAY)
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
        window_end = ends if ends is not None else goes_live + rng.randrange(45 * DAY, 120 * DAY)
        status = PostStatus.ARCHIVED.value if window_end <= now else PostStatus.LIVE.value
        updated = min(window_end, now - 60) if status == PostStatus.ARCHIVED else goes_live
        window: tuple[int, int] | None = (goes_live, min(window_end, now))
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
